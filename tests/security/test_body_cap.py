"""Promise 15: request bodies are capped (MAX_CONTENT_LENGTH, 1 MiB by default, from
GOVERN_MAX_CONTENT_LENGTH); a bigger one answers 413 — the API's error shape or an error page —
and changes nothing."""
from __future__ import annotations

import io
import json

import pytest

from govern.extensions import db
from tests.security.conftest import bearer_token, build_scenario, row_counts
from tests.conftest import TEST_PASSWORD

MIB = 1024 * 1024


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def test_the_default_cap_is_one_mebibyte_and_configurable(app, monkeypatch, tmp_path):
    from govern.config import from_environment

    assert app.config["MAX_CONTENT_LENGTH"] == MIB
    monkeypatch.setenv("GOVERN_MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("GOVERN_SECRET_KEY", "not-used-here")
    assert from_environment(tmp_path)["MAX_CONTENT_LENGTH"] == 2048


def test_a_huge_json_body_answers_413_in_the_error_shape_and_changes_nothing(app, scenario):
    client = app.test_client()
    token = bearer_token(client, scenario.member_email)
    before = row_counts(db.session)
    huge = json.dumps({"direction": "usd_to_rsc", "amount": {"amount": "1.00", "currency": "USD"},
                       "padding": "x" * (MIB + 1)})
    for path, headers in (("/api/v1/conversions", {"Authorization": f"Bearer {token}"}), ("/api/v1/members", {})):
        response = client.post(path, data=huge, content_type="application/json", headers=headers)
        assert response.status_code == 413
        assert response.get_json()["error"]["code"] == "payload_too_large"
    assert row_counts(db.session) == before


def test_a_huge_form_answers_413_with_an_error_page_and_changes_nothing(app, scenario):
    client = app.test_client()
    before = row_counts(db.session)
    response = client.post("/join", data={"name": "Big", "email": "big@example.org", "password": TEST_PASSWORD,
                                          "locality": "x" * (MIB + 1)})
    assert response.status_code == 413
    assert response.mimetype == "text/html" and "<h1" in response.get_data(as_text=True)
    assert row_counts(db.session) == before


def test_a_body_that_lies_about_its_length_is_cut_at_the_cap(app, scenario):
    """No Content-Length (a chunked upload): the cap still holds while reading."""
    environ = {"wsgi.input_terminated": True}
    response = app.test_client().post("/api/v1/members", input_stream=io.BytesIO(b"{" + b" " * (2 * MIB) + b"}"),
                                      content_type="application/json", environ_overrides=environ)
    assert response.status_code == 413


def test_a_body_under_the_cap_is_served_as_usual(app, scenario):
    body = {"email": "roomy@example.org", "name": "Roomy", "password": TEST_PASSWORD, "padding": "x" * (MIB // 2)}
    assert app.test_client().post("/api/v1/members", json=body).status_code == 201
