"""Promise: a new password under 8 characters or easy to guess (zxcvbn's score under 3: common
passwords, keyboard runs, repeats, the member's own email or name) is refused wherever a password
is chosen — joining by page or API, accepting an invitation, changing it — with the reason next to
the field; an email whose parts mix alphabets (a lookalike of another address) is refused too.
Found by a hostile visitor: `12345678`, `password` and eight spaces were accepted."""
from __future__ import annotations

import pytest

from govern.acquisitions import service as acquisitions
from govern.extensions import db
from govern.members import emails, passwords
from tests.security.conftest import PASSWORD, build_scenario, log_in, row_counts

WEAK = ["12345678", "password", " " * 8, "password123", "qwertyuiop", "aaaaaaaaaaaa", "newcomer@example.org"]
LOOKALIKES = ["\u0430lice@example.org",          # Cyrillic а, then Latin
              "alice@ex\u0430mple.org",          # a domain label mixing Latin and Cyrillic
              "p\u0430ypal@example.org", "\u03bfscar@example.org"]  # Greek ο in a Latin name


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def _join_api(client, password=PASSWORD, email="newcomer@example.org", name="Newcomer"):
    return client.post("/api/v1/members", json={"email": email, "name": name, "password": password})


@pytest.mark.parametrize("weak", WEAK)
def test_weak_passwords_are_refused_on_joining_through_the_api_and_nothing_is_created(app, scenario, weak):
    before = row_counts(db.session)
    response = _join_api(app.test_client(), weak)
    assert response.status_code == 400
    [problem] = response.get_json()["error"]["fields"]["password"]
    assert problem.startswith("is too easy to guess")
    assert row_counts(db.session) == before


def test_the_join_page_says_why_a_password_is_refused_next_to_the_field(app, scenario):
    response = app.test_client().post("/join", data={"name": "Newcomer", "email": "newcomer@example.org",
                                                     "password": "12345678", "region_id": scenario.region_id})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is too easy to guess. This is a top-10 common password." in page
    assert 'value="12345678"' not in page


def test_short_passwords_are_refused_and_a_strong_one_is_taken(app, scenario):
    client = app.test_client()
    assert _join_api(client, "Tr0ub&3").get_json()["error"]["fields"]["password"] == ["must be 8 to 200 characters"]
    assert _join_api(client, "x" * 201).status_code == 400
    assert _join_api(client, "correct horse battery staple").status_code == 201


def test_a_weak_password_is_refused_when_changing_it_and_the_old_one_still_works(app, scenario):
    client = app.test_client()
    log_in(client, scenario.member_email)
    response = client.post("/me/password", data={"current_password": PASSWORD, "new_password": "password"})
    assert response.status_code == 400 and "is too easy to guess" in response.get_data(as_text=True)
    assert log_in(app.test_client(), scenario.member_email).status_code == 302


def test_guessing_the_current_password_on_the_change_page_draws_on_the_login_budget(app, scenario):
    client = app.test_client()
    log_in(client, scenario.member_email)
    answers = [client.post("/me/password", data={"current_password": f"guess-{n}", "new_password": "a-new-long-pass-7"})
               for n in range(6)]
    assert [r.status_code for r in answers] == [400] * 5 + [429]
    assert "is not your current password" in answers[0].get_data(as_text=True)
    assert app.test_client().post("/login", data={"email": scenario.member_email, "password": PASSWORD}
                                  ).status_code == 429  # the same address and email: one budget


def test_an_invited_employee_cannot_choose_a_weak_password(app, scenario, now):
    from govern.companies import service as companies

    company = companies.create_region_company(db.session, scenario.region_id, "Corner Bakery", "bakery", now)
    [invitation] = acquisitions.invite(db.session, company=company, proposal_id=scenario.proposal_id, now=now,
                                       employees=[acquisitions.Employee("Pat Dough", "pat@example.org", "baker", 2200)])
    db.session.commit()  # invite() writes inside its caller's transaction (an acquisition being carried out)
    client = app.test_client()
    refused = client.post(f"/invitations/{invitation.token}", data={"password": "password1"})
    assert refused.status_code == 400 and "is too easy to guess" in refused.get_data(as_text=True)
    api = client.post(f"/api/v1/invitations/{invitation.token}/accept", json={"password": "12345678"})
    assert api.status_code == 400 and "password" in api.get_json()["error"]["fields"]


@pytest.mark.parametrize("lookalike", LOOKALIKES)
def test_emails_that_mix_alphabets_are_refused(app, scenario, lookalike):
    response = _join_api(app.test_client(), email=lookalike)
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"]["email"] == [
        "mixes letters of different alphabets, so it could pass for another address"]


@pytest.mark.parametrize("fine", ["иван@example.org", "josé@example.org", "山田たろう@example.jp",
                                  "o'brien+coop@example.org", "δημήτρης@παράδειγμα.ελ"])
def test_emails_in_one_alphabet_are_welcome(app, scenario, fine):
    assert _join_api(app.test_client(), email=fine).status_code == 201


def test_a_full_width_copy_of_an_address_is_the_same_address(app, scenario):
    """NFKC: ｍｅｍｂｅｒ@example.org is member@example.org, already taken, and logs in as it."""
    client = app.test_client()
    wide = "ｍｅｍｂｅｒ@example.org"
    assert emails.normalize(wide) == scenario.member_email
    assert _join_api(client, email=wide).status_code == 409
    assert client.post("/api/v1/tokens", json={"email": wide, "password": PASSWORD}).status_code == 201


def test_the_strength_check_reads_no_more_than_it_must():
    """zxcvbn reads the first 72 characters; a long passphrase is judged by them and passes quickly."""
    assert passwords.problems("a" * 200) and not passwords.problems("orbit-velvet-" + "a" * 180)
    assert passwords.problems("member@example.org", ("member@example.org", "Mia Member"))
