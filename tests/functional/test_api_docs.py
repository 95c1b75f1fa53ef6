"""docs/api.md is the API reference users read; the served OpenAPI document is what the app
answers. These tests keep the two saying the same thing: every operation the document serves is
in the reference, and the reference names no operation the app does not serve."""
from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
# "`GET /regions/{id}`", "`GET /listings?kind=&q=`", "`PUT /proposals/{id}/ballot`" in the reference.
CALL = re.compile(r"`(GET|POST|PUT|DELETE|PATCH) (/[^`?\s]*)")
METHODS = {"get", "post", "put", "delete", "patch"}


def _normalise(path: str) -> str:
    """`/accounts/{id}/entries` and `/accounts/{account_id}/entries` are the same route."""
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/") or "/")


def _documented() -> set[tuple[str, str]]:
    return {(method, _normalise(path)) for method, path in CALL.findall(DOCS.read_text(encoding="utf-8"))
            if not path.startswith("/api/")}


def _served(client) -> set[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").get_json()
    return {(method.upper(), _normalise(path))
            for path, operations in document["paths"].items() for method in operations if method in METHODS}


def test_every_operation_the_app_serves_is_in_the_api_reference(client):
    missing = sorted(_served(client) - _documented())
    assert not missing, f"docs/api.md does not describe: {missing}"


def test_the_api_reference_names_no_operation_the_app_does_not_serve(client):
    unknown = sorted(_documented() - _served(client))
    assert not unknown, f"docs/api.md describes operations the OpenAPI document does not serve: {unknown}"
