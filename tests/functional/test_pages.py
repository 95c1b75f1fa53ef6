"""The pages a member uses, through HTTP."""
import re

from sqlalchemy import select

from govern.ledger import exchange
from govern.money import Money
from govern.treasury.models import Deposit
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc, confirm


def login(client, email="alice@example.org", password=TEST_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_the_home_page_explains_the_co_op_and_shows_its_figures(client, region, member):
    page = client.get("/").get_data(as_text=True)
    assert "owned equally" in page or "own equally" in page
    assert "Riverside today" in page
    assert page.count("<h1") == 1


def test_a_newcomer_joins_and_lands_on_the_dashboard_with_a_zero_balance_and_their_share(client, region):
    response = client.post("/join", data={"name": "Dana", "email": "dana@example.org", "password": TEST_PASSWORD,
                                          "locality": "North", "region_id": region.id}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hello, Dana" in page
    assert "0.00 RSC" in page
    assert "equal share" in page


def test_the_join_form_shows_errors_next_to_fields_and_keeps_what_was_typed(client, region, member):
    response = client.post("/join", data={"name": "Eve", "email": "alice@example.org", "password": TEST_PASSWORD,
                                          "region_id": region.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is already registered" in page
    assert 'value="Eve"' in page
    short = client.post("/join", data={"name": "Eve", "email": "eve@example.org", "password": "short",
                                       "region_id": region.id})
    assert "at least 8" in short.get_data(as_text=True).lower() or "between 8" in short.get_data(as_text=True).lower()


def test_a_wrong_password_shows_the_login_form_again_with_a_message(client, member):
    response = login(client, password="wrong-password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_the_dashboard_needs_a_login(client, member):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_cookie_captured_before_logout_is_refused_after_it(app, member):
    client = app.test_client()
    login(client)
    assert client.get("/dashboard").status_code == 200
    captured = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", captured)
    assert thief.get("/dashboard").status_code == 302


def test_login_only_redirects_to_paths_on_this_site(client, member):
    response = client.post("/login?next=//evil.example/x", data={"email": member.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_buying_rsc_on_the_convert_page_gives_a_reference_and_issues_when_the_board_confirms(client, member, session,
                                                                                            now):
    login(client)
    response = client.post("/convert", data={"direction": "usd_to_rsc", "amount": "25.50"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    [deposit] = session.execute(select(Deposit)).scalars()
    assert deposit.reference in page and "25.50 USD" in page and "pending" in page
    assert exchange.member_wallet(session, member.id).balance == 0
    confirm(session, deposit, now)
    assert exchange.member_wallet(session, member.id).balance == 2550
    assert "25.50 RSC" in client.get(f"/deposits/{deposit.id}").get_data(as_text=True)


def test_cashing_out_too_much_shows_the_message_on_the_form_and_posts_nothing(client, member, session):
    login(client)
    response = client.post("/convert", data={"direction": "rsc_to_usd", "amount": "10"})
    assert response.status_code == 400
    assert "Not enough RSC" in response.get_data(as_text=True)
    assert exchange.member_wallet(session, member.id).balance == 0


def test_the_dashboard_shows_the_equal_share_of_the_pool(client, member, make_member, session, region, now):
    make_member()
    buy_rsc(session, member, 1000, now)
    exchange.convert(session, member, "rsc_to_usd", Money(400, "RSC"), now)  # rate 1: nothing to the pool
    login(client)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "÷ 2 active members" in page
    assert "6.00 RSC" in page


def test_leaving_keeps_the_balance_and_says_so(client, member, session, now):
    buy_rsc(session, member, 700, now)
    login(client)
    response = client.post("/leave", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You left the co-op" in page
    assert "7.00 RSC" in page


def test_the_region_page_shows_parameters_and_backing(client, region, member, session, now):
    buy_rsc(session, member, 500, now)
    page = client.get(f"/regions/{region.id}").get_data(as_text=True)
    assert "income_tax_rate" in page and "0.02" in page
    assert "Fully backed by the reserve" in page
    assert "5.00 USD" in page


def test_the_account_history_pages_through_older_movements(client, member, session, now):
    for _ in range(3):
        buy_rsc(session, member, 100, now)
    wallet = exchange.member_wallet(session, member.id)
    login(client)
    page = client.get(f"/accounts/{wallet.id}?limit=2").get_data(as_text=True)
    assert page.count("+1.00 RSC") == 2
    older = re.search(r'href="([^"]*cursor=\d+[^"]*)"', page).group(1).replace("&amp;", "&")
    assert client.get(older).get_data(as_text=True).count("+1.00 RSC") == 1


def test_another_members_account_page_is_not_found(client, member, make_member, session):
    other = make_member()
    login(client)
    assert client.get(f"/accounts/{exchange.member_wallet(session, other.id).id}").status_code == 404


def test_the_verify_page_reports_an_intact_record(client, member, session, now):
    buy_rsc(session, member, 100, now)
    page = client.get("/verify").get_data(as_text=True)
    assert "The record is intact: 1 entries checked" in page


def test_forms_without_a_csrf_token_are_refused_and_change_nothing(app_factory, region, make_member):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/join", data={"name": "Mallory", "email": "m@example.org", "password": TEST_PASSWORD,
                                          "region_id": region.id})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    with app.app_context():
        from govern.extensions import db
        from govern.members.models import Member

        assert db.session.query(Member).filter_by(email="m@example.org").count() == 0


def test_pages_carry_security_headers(client, region):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
