"""Issue 26's journeys: errors where the voter looks, every problem of a form at once in plain words,
links that lead somewhere, error pages of the site, phones (a folding menu, tables as cards, long
words wrapped), people picked by name, proposals at a glance, plain numbers, a member's settings
and the board's outbox. Each step is photographed at 1280 and 390 px (see conftest.py)."""
from __future__ import annotations

import time
from datetime import timedelta

from playwright.sync_api import expect

from govern.companies import service as companies
from govern.facilities import service as facilities
from govern.inventory import service as inventory
from govern.members import service as members
from govern.money import Money
from govern.proposals import service as proposals
from tests.browser.conftest import DESKTOP, PHONE, closes_in, utcnow
from tests.browser.test_form_errors import field_of
from tests.funding import buy_rsc

PLAIN_WORDS_NEVER_SAY = ("payload", "period_start", "member(s)", "voting:", "decimal string", "_")


def _open_proposal(server, author, *, kind="referendum", payload=None, title="Plant trees on Mill Street",
                   closes_after=timedelta(hours=20), voting=None) -> int:
    with server.session() as session:
        return proposals.create_proposal(
            session, members.get_member(session, author.id), kind_key=kind, title=title, body="Shade in summer.",
            payload=payload or {}, closes_at=utcnow() + closes_after, now=utcnow(), min_voting_seconds=1,
            voting_request=voting).id


def test_a_ballot_out_of_range_is_answered_by_the_figure_which_stays_and_voting_clears_the_reminder(journey, server):
    server.region("Riverside")
    ann, ben = server.member("Ann Field"), server.member("Ben Ode")
    proposal_id = _open_proposal(server, ann, kind="parameter", title="Amortise facilities over fewer years",
                                 payload={"name": "facility_amortisation_years", "min": "20", "max": "40"})
    with server.session() as session:
        proposals.send_closing_reminders(session, utcnow() + timedelta(hours=1))
    voter = journey.member(ben)
    expect(voter.page.locator(".menu-wide .count")).to_have_text("1")
    page = voter.open(f"/proposals/{proposal_id}", "a median vote from 20 to 40")
    page.get_by_label("Your figure").fill("45")
    page = voter.submit("Cast my ballot", "a ballot of 45, refused where it was typed", status=400)
    error = page.locator("#ballot .ballot-error")
    expect(error).to_have_text("Your ballot was not counted: your choice must be at most 40.")
    expect(error).to_be_in_viewport()
    figure = page.get_by_label("Your figure")
    expect(figure).to_have_value("45")
    expect(figure).to_have_attribute("aria-invalid", "true")
    expect(figure).to_be_focused()
    figure.fill("25")
    page = voter.submit("Cast my ballot", "a ballot of 25, counted")
    assert "Your ballot is in" in voter.flash()
    expect(page.locator(".menu-wide .count")).to_have_count(0)  # "you have not voted yet" is answered
    page = voter.open("/notifications", "the reminder, read")
    expect(page.locator(".list li.unread")).to_have_count(0)


def test_between_the_deadline_and_the_close_a_proposal_says_its_ballots_are_being_counted(journey, server):
    server.region("Riverside")
    ann = server.member("Ann Field")
    proposal_id = _open_proposal(server, ann, closes_after=timedelta(seconds=2))
    time.sleep(2.2)  # the deadline passes; no scheduler runs in these tests, so it is not closed yet
    member = journey.member(ann)
    page = member.open(f"/proposals/{proposal_id}", "past its deadline, before the close")
    expect(page.locator("h1 .badge")).to_have_text("counting")
    expect(page.locator("#counting")).to_contain_text("The ballots are being counted")
    expect(page.get_by_text("Results are shown when voting closes")).to_have_count(0)
    expect(page.get_by_text("Voting has ended: no more ballots are taken.")).to_be_visible()
    page = member.open("/proposals", "the list, with it being counted")
    expect(page.locator(".list li").first.locator(".badge")).to_have_text("counting")


def test_every_problem_of_a_proposal_form_comes_at_once_by_its_field_in_plain_words(journey, server):
    server.region("Riverside")
    ann = server.member("Ann Field")
    proposer = journey.member(ann)
    page = proposer.open("/proposals/new/parameter", "the parameter form: no threshold for a median")
    expect(page.get_by_label("Threshold")).to_have_count(0)
    page.get_by_label("Title", exact=True).fill("Amortise over fewer years")
    page.get_by_label("Parameter", exact=True).select_option("facility_amortisation_years")
    page.get_by_label("Lowest value members may vote").fill("40")
    page.get_by_label("Highest value members may vote").fill("20")
    an_hour_ago = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Voting closes (UTC)").fill(an_hour_ago)
    page.get_by_label("Quorum (share of voters who must vote, 0 to 1)").fill("lots")
    page = proposer.submit("Open for voting", "three problems at once", status=400)

    expect(field_of(page, "Highest value members may vote").locator(".error")).to_have_text(
        "must not be below the lowest value")
    expect(field_of(page, "Voting closes (UTC)").locator(".error")).to_contain_text("must be at least")
    expect(field_of(page, "Quorum (share of voters who must vote, 0 to 1)").locator(".error")).to_have_text(
        "must be a share of the voters from 0 to 1, such as 0.25 for a quarter")
    summary = page.locator(".error-summary")
    expect(summary.locator("h2")).to_have_text("There are 3 problems")
    expect(summary.locator("li")).to_have_count(3)
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    shown = summary.inner_text() + " ".join(page.locator(".field .error").all_inner_texts())
    assert not [word for word in PLAIN_WORDS_NEVER_SAY if word in shown], shown
    expect(page.get_by_label("Title", exact=True)).to_have_value("Amortise over fewer years")
    expect(page.get_by_label("Lowest value members may vote")).to_have_value("40")
    expect(page.get_by_label("Quorum (share of voters who must vote, 0 to 1)")).to_have_value("lots")
    summary.get_by_role("link", name="Quorum (share of voters who must vote, 0 to 1):").click()
    expect(page.get_by_label("Quorum (share of voters who must vote, 0 to 1)")).to_be_focused()
    proposer.accessibility("the form with its problems")

    page = proposer.open("/proposals/new/split", "the split form: only thresholds it may take")
    expect(page.get_by_label("Threshold").locator("option")).to_have_text(
        ["This kind's default (two thirds)", "Three quarters"])


def test_an_option_listed_twice_is_refused_by_the_options_field(journey, server):
    server.region("Riverside")
    ann = server.member("Ann Field")
    proposer = journey.member(ann)
    page = proposer.open("/proposals/new/referendum", "the referendum form")
    page.get_by_label("Title", exact=True).fill("Where should the summer party be?")
    page.get_by_label("How members vote").select_option("ranked")
    page.get_by_label("Options, one per line").fill("Park\nBeach\npark")
    page.get_by_label("Voting closes (UTC)").fill(closes_in(minutes=60))
    page = proposer.submit("Open for voting", "Park / Beach / park, refused", status=400)
    expect(field_of(page, "Options, one per line").locator(".error")).to_have_text(
        "“park” is listed twice: each option must be different")
    expect(page.get_by_label("Options, one per line")).to_have_value("Park\nBeach\npark")


def test_links_lead_to_pages_and_errors_are_the_sites_own_pages_in_plain_words(journey, server):
    server.region("Riverside")
    ann, ben = server.member("Ann Field"), server.member("Ben Ode")
    closed_id = _open_proposal(server, ann, closes_after=timedelta(seconds=2))
    open_id = _open_proposal(server, ann, title="A second question")
    with server.session() as session:
        ann_member = members.get_member(session, ann.id)
        proposals.cast_ballot(session, ann_member, closed_id, "yes", utcnow())
        receipt = proposals.ballot_of(session, closed_id, ann.id).receipt
        company_id = companies.register_company(session, ann_member, "Ann's Bikes", "bicycle repair", utcnow()).id
        inventory.add_item(session, region_id=server.region_id, item="Wheel truing stand", kind="equipment",
                           cost_minor=15_000, currency="RSC", holder_company_id=company_id, proposal_id=None,
                           now=utcnow())
    time.sleep(2.1)
    with server.session() as session:
        proposals.close_proposal(session, closed_id, utcnow())

    visitor = journey.visitor("visitor")
    page = visitor.open(f"/proposals/{closed_id}", "a closed proposal")
    page = visitor.link("the published ballots", "its published ballots, without logging in")
    expect(page.get_by_role("table")).to_contain_text(receipt)
    page = visitor.open("/inventory", "the inventory")
    page = visitor.link("Ann's Bikes", "the worker-owned company that holds an item")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann's Bikes")
    expect(page.locator(".lead")).to_contain_text("worker-owned company")

    for path, status, heading in [("/no-such-page", 404, "Page not found"),
                                  ("/inventory?cursor=not-a-cursor", 400, "That did not work"),
                                  (f"/proposals/{open_id}/ballots", 409, "That cannot be done now")]:
        page = visitor.open(path, f"the {status} page", status=status)
        expect(page.locator(".error-page h1")).to_have_text(heading)
        expect(page.locator("header.site")).to_be_visible()
        assert "requested URL" not in page.content() and "browser (or proxy)" not in page.content()
        visitor.accessibility(f"the {status} page")
    member = journey.member(ben)
    page = member.open("/board/outbox", "the 403 page", status=403)
    expect(page.locator(".error-page h1")).to_have_text("Not allowed")

    guesser = journey.visitor("guesser")
    guesser.open("/login", "the login form")
    for attempt in range(6):
        guesser.page.get_by_label("Email").fill("ann@example.org")
        guesser.page.get_by_label("Password").fill(f"not-the-password-{attempt}")
        with guesser.page.expect_navigation():
            guesser.page.get_by_role("button", name="Log in", exact=True).click()
    page = guesser.check("the 429 page", status=429)
    expect(page.locator(".error-page h1")).to_have_text("Too many attempts")


def test_on_a_phone_the_menu_folds_tables_become_cards_and_a_long_word_wraps(journey, server):
    server.region("Riverside")
    ann = server.member("Ann Field")
    proposal_id = _open_proposal(server, ann)
    with server.session() as session:
        proposals.add_comment(session, members.get_member(session, ann.id), proposal_id,
                              "x" * 4900 + "\n\nand then some ordinary words after it.", utcnow())
        inventory.add_item(session, region_id=server.region_id, item="Community hall", kind="building",
                           cost_minor=25_000_000, currency="RSC", holder_company_id=None, proposal_id=None,
                           now=utcnow())
    member = journey.member(ann)
    # the page checks fail a page wider than 390 px: the 4,900-letter word must wrap
    page = member.open(f"/proposals/{proposal_id}", "a comment with a 4,900-letter word")
    comment = page.locator(".comment").first
    assert comment.evaluate("c => getComputedStyle(c).overflowWrap") == "break-word"  # ordinary words stay whole
    expect(comment.locator("header")).to_contain_text("Ann Field")
    expect(comment.locator("header time")).to_have_text("just now")

    page.set_viewport_size(PHONE)
    expect(page.locator(".menu-wide")).to_be_hidden()
    menu = page.locator("details.menu-narrow")
    expect(menu.get_by_role("link", name="Proposals")).to_be_hidden()
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Proposals")).to_be_visible()
    page.set_viewport_size(DESKTOP)

    page = member.open("/inventory", "the inventory, a table that becomes cards on a phone")
    page.set_viewport_size(PHONE)
    cost = page.locator("td[data-label=Cost]").first
    expect(cost).to_have_text("250,000.00 RSC")
    box = cost.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # not cut off
    assert cost.evaluate("td => getComputedStyle(td, '::before').content") == '"Cost"'
    page.set_viewport_size(DESKTOP)


def test_members_pick_people_by_name_see_proposals_at_a_glance_in_plain_numbers_and_choose_their_mail(journey, server):
    server.region("Riverside")
    bea = server.member("Bea Board", board=True)
    ann, ben = server.member("Ann Field"), server.member("Ben Ode")
    with server.session() as session:
        buy_rsc(session, members.get_member(session, ann.id), 250_000, utcnow())
        facilities.create_facility(session, members.get_member(session, bea.id), name="Office 2, Mill Street",
                                   kind="office", description="A quiet office", purchase=Money(240_000, "RSC"),
                                   maintenance=Money(1_000, "RSC"), now=utcnow())
    proposal_id = _open_proposal(server, bea)

    member = journey.member(ann)
    assert member.figure("Your balance") == "2,500.00 RSC"
    assert member.figure("Your member number") == f"#{ann.id}"

    page = member.open("/proposals", "proposals at a glance")
    glance = page.locator(".list li").first.locator(".glance")
    expect(glance).to_contain_text("closes in 19 hours")
    expect(glance).to_contain_text("0 of 3 voted")
    expect(glance).to_contain_text("you have not voted")
    expect(glance.locator("meter")).to_have_attribute("aria-label", "turnout 0%, quorum 0%")
    page = member.link("Plant trees on Mill Street", "the proposal")
    page.get_by_label("Yes").check()
    member.submit("Cast my ballot", "voted")
    page = member.open("/proposals", "the list after voting")
    expect(page.locator(".list li").first.locator(".glance")).to_contain_text("✓ you voted")
    expect(page.locator(".list li").first.locator(".glance")).to_contain_text("1 of 3 voted")

    page = member.open("/delegations", "trusting someone, by name")
    person = page.get_by_label("The person you trust")
    person.press_sequentially("Od", delay=50)  # suggestions as you type (with script)
    expect(page.locator("#delegate-options option")).to_have_count(1)
    expect(page.locator("#delegate-options option")).to_have_attribute("value", f"Ben Ode (#{ben.id})")
    person.fill("ben ode")  # the name alone is enough when one member has it
    page = member.submit("Save", "trusting Ben Ode")
    assert "Delegation saved" in member.flash()
    expect(page.get_by_role("table")).to_contain_text("Ben Ode")
    page = member.open("/people?q=ode", "the plain search, without script")
    expect(page.get_by_role("table")).to_contain_text(f"Ben Ode (#{ben.id})")

    page = member.open("/facilities", "facilities")
    page = member.link("Office 2, Mill Street", "an office at cost")
    expect(page.get_by_text("0% of the cost, borne by the capital pool")).to_be_visible()

    page = member.open("/me/settings", "my settings")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_label("The result of a proposal I voted on").uncheck()
    page.get_by_label("Send these once a day in one mail (a daily digest) instead of one by one").check()
    page = member.submit("Save my settings", "settings saved")
    assert "Your settings are saved." in member.flash()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    page = member.open(f"/proposals/{proposal_id}", "times in Paris time")
    expect(page.locator(".facts")).to_contain_text("CET")
    member.accessibility("the proposal page")

    board = journey.member(bea)
    page = board.open("/board/outbox", "the board's outbox, mails written to files")
    expect(page.locator(".lead")).to_contain_text("No mail server is set")
    expect(page.get_by_role("table")).to_contain_text("ann@example.org")
    page = board.link("Your deposit", "one mail", exact=False)
    expect(page.locator("pre")).to_contain_text("Hello Ann Field,")
