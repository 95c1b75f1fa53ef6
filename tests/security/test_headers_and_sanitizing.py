"""Promise 13: every answer (pages, JSON, error pages) carries a Content-Security-Policy without
inline script, frame-ancestors 'none', nosniff and a referrer policy; Markdown that members write
(proposals, comments, listings) is sanitized: the usual XSS payloads, sent through the real forms
and the API, never come back as live markup."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from govern.extensions import db
from tests.security.conftest import bearer_token, build_scenario, log_in

SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_security_headers(response, what: str) -> None:
    headers = response.headers
    csp = _directives(headers.get("Content-Security-Policy", ""))
    script_sources = csp.get("script-src", csp.get("default-src"))
    assert script_sources, f"{what}: no script-src"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "*"} & set(script_sources), f"{what}: {script_sources}"
    assert csp.get("frame-ancestors") == ["'none'"], what
    assert csp.get("object-src", csp.get("default-src")) in (["'none'"], ["'self'"]), what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") in SAFE_REFERRER_POLICIES, what


@pytest.fixture
def scenario(app, now):
    return build_scenario(db.session, now)


def test_pages_json_and_error_answers_all_carry_the_security_headers(app, scenario):
    client = app.test_client()
    answers = {
        "a page": client.get("/"),
        "a public JSON answer": client.get("/api/v1/regions"),
        "the OpenAPI document": client.get("/api/v1/openapi.json"),
        "a static file": client.get("/static/style.css"),
        "a page that is not there": client.get("/no-such-page"),
        "a JSON 404": client.get("/api/v1/no-such-thing"),
        "a JSON 401": client.get("/api/v1/me"),
        "a JSON 400": client.post("/api/v1/tokens", data="not json", content_type="application/json"),
        "a JSON 405": client.delete("/api/v1/regions"),
        "a redirect to the login page": client.get("/dashboard"),
        "a wrong login (401 page)": client.post("/login", data={"email": "x@example.org", "password": "wrong-one"}),
    }
    for what, response in answers.items():
        assert_security_headers(response, what)
    log_in(client, scenario.other_email)
    forbidden = client.get("/board/to-carry-out")
    assert forbidden.status_code == 403
    assert_security_headers(forbidden, "a 403 page")


def test_csrf_rate_limit_body_cap_and_server_errors_carry_the_headers_too(app_factory, now):
    app = app_factory(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=1000, TESTING=False, GOVERN_LOGIN_LIMIT="1 per minute")

    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    client = app.test_client()
    answers = {
        "a CSRF failure": client.post("/join", data={"name": "x"}),
        "a 413 page": client.post("/join", data={"name": "x" * 5000}),
        "a JSON 413": client.post("/api/v1/members", data="x" * 5000, content_type="application/json"),
        "a 500 page": client.get("/boom"),
        "a JSON 500": client.get("/api/v1/boom"),
    }
    for _ in range(2):
        answers["a 429"] = client.post("/api/v1/tokens", json={"email": "x@example.org", "password": "wrong-one"})
    assert [r.status_code for r in answers.values()] == [400, 413, 413, 500, 500, 429]
    for what, response in answers.items():
        assert_security_headers(response, what)


# The usual payloads, raw and encoded, in Markdown and in HTML.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">click</a>",
    "<a href=\" javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](javascript:alert(1))",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<style>body { display: none }</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<base href=\"//evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<form action=\"https://evil.example\"><button formaction=\"javascript:alert(1)\">go</button></form>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
]

FORBIDDEN_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "base", "meta",
                  "link", "applet", "body"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster", "srcset"}
BAD_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


class _LiveMarkup(HTMLParser):
    """Collects what would run or load in a browser, in the part of a page that members wrote."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}=")
            elif name in URL_ATTRIBUTES and BAD_SCHEMES.match(cleaned):
                self.found.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.found


def _written_part(page: str) -> str:
    """The page's body, without its own <head> (which links the site's stylesheet)."""
    return re.sub(r"^\s*<body[^>]*>", "", page.split("</head>", 1)[1])


def test_the_detector_sees_live_markup():
    """The check below is only as good as this: unsanitized payloads are caught."""
    caught = [p for p in XSS_PAYLOADS if live_markup(p)]
    assert len(caught) >= 20


@pytest.fixture
def writers(app, scenario):
    member, admin = app.test_client(), app.test_client()
    log_in(member, scenario.member_email)
    log_in(admin, scenario.admin_email)
    return {"member": member, "admin": admin,
            "member_token": bearer_token(member, scenario.member_email),
            "admin_token": bearer_token(admin, scenario.admin_email)}


def _closes_at(fmt: str) -> str:
    moment = datetime.now(timezone.utc) + timedelta(days=2)
    return moment.strftime("%Y-%m-%dT%H:%M") if fmt == "form" else moment.isoformat()


@pytest.mark.parametrize("channel", ["form", "api"])
def test_xss_payloads_in_proposals_and_comments_do_not_survive(app, scenario, writers, channel):
    client = writers["member"]
    auth = {"Authorization": f"Bearer {writers['member_token']}"}
    pages = []
    for payload in XSS_PAYLOADS:
        if channel == "form":
            created = client.post("/proposals/new/referendum", data={
                "title": payload[:200], "body": payload, "closes_at": _closes_at("form"), "method": "yes_no",
                "electorate": "region"})
            assert created.status_code == 302, created.get_data(as_text=True)
            proposal_path = created.headers["Location"].split("#")[0]
            assert client.post(f"{proposal_path}/comments", data={"body": payload}).status_code == 302
        else:
            created = client.post("/api/v1/proposals", headers=auth, json={
                "kind": "referendum", "title": payload[:200], "body": payload, "payload": {},
                "closes_at": _closes_at("api")})
            assert created.status_code == 201, created.get_json()
            proposal_path = f"/proposals/{created.get_json()['id']}"
            assert client.post(f"/api/v1{proposal_path}/comments", headers=auth,
                               json={"body": payload}).status_code == 201
        pages.append((payload, client.get(proposal_path).get_data(as_text=True)))
    pages.append(("the list", client.get("/proposals").get_data(as_text=True)))
    survived = {payload: live_markup(_written_part(page)) for payload, page in pages}
    assert {p: found for p, found in survived.items() if found} == {}
    assert "I agree" not in pages[0][1]  # sanity: the pages are the proposals, with the payload's text shown
    assert "alert(1)" in pages[0][1]


@pytest.mark.parametrize("channel", ["form", "api"])
def test_xss_payloads_in_listings_do_not_survive(app, scenario, writers, channel):
    client = writers["admin"]
    auth = {"Authorization": f"Bearer {writers['admin_token']}"}
    pages = []
    for payload in XSS_PAYLOADS:
        if channel == "form":
            created = client.post("/market/new", data={"company_id": scenario.company_id, "kind": "product",
                                                       "title": payload[:200], "description": payload, "price": "1.00"})
            assert created.status_code == 302, created.get_data(as_text=True)
            listing_path = created.headers["Location"]
        else:
            created = client.post("/api/v1/listings", headers=auth, json={
                "company_id": scenario.company_id, "kind": "product", "title": payload[:200], "description": payload,
                "price": {"amount": "1.00", "currency": "RSC"}})
            assert created.status_code == 201, created.get_json()
            listing_path = f"/market/{created.get_json()['id']}"
        pages.append((payload, client.get(listing_path).get_data(as_text=True)))
    pages.append(("the market", client.get("/market").get_data(as_text=True)))
    survived = {payload: live_markup(_written_part(page)) for payload, page in pages}
    assert {p: found for p, found in survived.items() if found} == {}
    assert "alert(1)" in pages[0][1]


@pytest.mark.parametrize("channel", ["form", "api"])
def test_xss_payloads_in_facilities_applications_and_operating_costs_do_not_survive(app, scenario, writers, channel):
    """Units' names and descriptions (the board's), application messages (members', shown to the
    board), operating costs' memos and the suppliers paid are plain text: shown, never live."""
    from govern.members import service as members
    from tests.funding import fill_pool

    fill_pool(db.session, scenario.region_id, members.get_member(db.session, scenario.admin_id), 100_000,
              datetime.now(timezone.utc))
    app.config["GOVERN_MONEY_LIMIT"] = "1000 per minute"  # the pool pays a cost per payload
    board, member = app.test_client(), writers["member"]
    log_in(board, scenario.board_email)
    board_auth = {"Authorization": f"Bearer {bearer_token(board, scenario.board_email)}"}
    member_auth = {"Authorization": f"Bearer {writers['member_token']}"}
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    pages = []
    for payload in XSS_PAYLOADS:
        if channel == "form":
            created = board.post("/facilities/new", data={
                "name": payload[:200], "kind": "housing", "inventory_item_id": "", "purchase": "100.00",
                "maintenance": "1.00", "market_rate": "", "description": payload})
            assert created.status_code == 302, created.get_data(as_text=True)
            path = created.headers["Location"]
            assert member.post(f"{path}/apply", data={"company_id": "", "message": payload}).status_code == 302
            assert board.post(f"{path}/costs", data={"month": month, "amount": "1.00", "memo": payload[:200],
                                                     "supplier": payload[:200]}).status_code == 302
        else:
            created = board.post("/api/v1/facilities", headers=board_auth, json={
                "name": payload[:200], "kind": "housing", "description": payload,
                "purchase": {"amount": "100.00", "currency": "RSC"}, "maintenance": {"amount": "1.00", "currency": "RSC"}})
            assert created.status_code == 201, created.get_json()
            path = f"/facilities/{created.get_json()['id']}"
            assert member.post(f"/api/v1{path}/applications", headers=member_auth,
                               json={"message": payload}).status_code == 201
            assert board.post(f"/api/v1{path}/costs", headers=board_auth, json={
                "month": month, "amount": {"amount": "1.00", "currency": "RSC"}, "memo": payload[:200],
                "supplier": payload[:200]}).status_code == 201
        pages.append((payload, board.get(path).get_data(as_text=True)))
        pages.append((payload, member.get(path).get_data(as_text=True)))
    pages.append(("the units", member.get("/facilities?limit=100").get_data(as_text=True)))
    pages.append(("my applications", member.get("/facilities/mine").get_data(as_text=True)))
    pages.append(("the public record", app.test_client().get("/records/facilities").get_data(as_text=True)))
    survived = {payload: live_markup(_written_part(page)) for payload, page in pages}
    assert {p: found for p, found in survived.items() if found} == {}
    assert "alert(1)" in pages[0][1] and "Waiting list" in pages[0][1]  # the board's page, with the message
    assert pages[0][1].count("alert(1)") >= 5  # name, description, message, memo and supplier are all shown


def test_xss_payloads_in_the_treasury_do_not_survive(app, scenario, writers):
    """The co-op's bank details (the board's), members' payout accounts, income memos and the lines
    of a bank statement are plain text wherever they are shown: the board's treasury page, an
    imported statement, the add-money and convert pages, a deposit's page."""
    import csv
    import io

    app.config["GOVERN_MONEY_LIMIT"] = "1000 per minute"  # a claim and a rejection per payload
    board, member, admin = app.test_client(), writers["member"], writers["admin"]
    log_in(board, scenario.board_email)
    board_auth = {"Authorization": f"Bearer {bearer_token(board, scenario.board_email)}"}
    member_auth = {"Authorization": f"Bearer {writers['member_token']}"}
    admin_auth = {"Authorization": f"Bearer {writers['admin_token']}"}
    statement = io.StringIO()
    rows = csv.writer(statement)
    rows.writerow(["date", "amount", "reference"])
    pages = []
    for number, payload in enumerate(XSS_PAYLOADS):
        rows.writerow([f"2026-11-{number % 28 + 1:02d}", f"0.{number + 1:02d}", " ".join(payload.split())[:300]])
        assert board.put("/api/v1/treasury/bank-details", headers=board_auth,
                         json={"details": payload[:1000]}).status_code == 200
        assert member.put("/api/v1/me/payout-account", headers=member_auth,
                          json={"details": payload[:500]}).status_code == 200
        claimed = admin.post(f"/api/v1/companies/{scenario.company_id}/income", headers=admin_auth,
                         json={"amount": {"amount": "1.00", "currency": "USD"}, "memo": payload[:200]})
        assert claimed.status_code == 202, claimed.get_json()
        pages.append((payload, admin.get(f"/deposits/{claimed.get_json()['id']}").get_data(as_text=True)))
        pages.append((payload, member.get("/add-money").get_data(as_text=True)))
        pages.append((payload, member.get("/convert").get_data(as_text=True)))
        board.post(f"/api/v1/deposits/{claimed.get_json()['id']}/reject", headers=board_auth,
                   json={"reason": payload[:500]})  # at most ten claims wait at once
    imported = board.post("/api/v1/bank-statements", headers=board_auth,
                          json={"format": "csv", "content": statement.getvalue()})
    assert imported.status_code == 201, imported.get_json()
    pages.append(("the treasury", board.get("/treasury").get_data(as_text=True)))
    pages.append(("the statement", board.get(f"/treasury/statements/{imported.get_json()['id']}").get_data(as_text=True)))
    survived = {payload: live_markup(_written_part(page)) for payload, page in pages}
    assert {p: found for p, found in survived.items() if found} == {}
    assert "alert(1)" in pages[0][1] and "alert(1)" in pages[-2][1]
