"""The seven journeys, walked in headless Chromium through the forms as each persona, at
1280x900 and again at 390x844: the public pages; a self-nomination request; triage to
announcement with five voters; reading feedback; an invited maintainer's testimony; a meeting
from draft to published minutes, plus an import; and the admin.

Every page is checked with axe-core (no serious or critical violation), for unique ids, for
sideways scrolling and for the navigation's rows, and saved to var/screenshots/. A test for each
group of journeys that shares a world, so that parallel workers walk them side by side; within
one, a browser context per persona, each signed in once."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from nominations.models import Nomination, NominationStatus, Outcome
from tests.browser.walk import Walk, walk_at_both_widths
from tests.meetings.conftest import add_public_item, new_meeting, publish
from tests.nominations.conftest import Build, Clock

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

RATIONALE = "I have reviewed most changes to torch.nn this year and keep its tests green."
TESTIMONY = "Ife's reviews on torch.nn are careful and fast; our team relies on them."
REASONS = "The vote passed with every voter in favour."
TO_NOMINEE = "Welcome aboard: your reviews made the case."
TO_NOMINATORS = "Thank you for nominating; the case was clear."
NOTES = "- The release is planned for March.\n- [redact: names]Jane Doe[/redact] will drive it."
IMPORTED = """Core Maintainers Meeting April 7th, 2023

Release planning

  • Discussed the branch cut.
  • Decision: cut the branch on April 14.
"""


def vote(page: Page, nomination: Nomination) -> None:
    page.goto(nomination.get_absolute_url())
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()


@pytest.mark.slow(seconds=8)
@pytest.mark.timeout(120)
def test_it_walks_the_public_pages_and_the_admin_at_both_widths(
    live_server, browser: Browser, lead, core1, core2, core3, module, staff, outsider
):
    published = publish(add_public_meeting(core1), core1, lead, core2, core3)
    with walk_at_both_widths(browser, live_server.url) as walk:
        walk_the_public_pages(walk, published, module, lead)
        walk_the_admin(walk, staff, outsider)

    assert walk.checked == 2 * 15


@pytest.mark.slow(seconds=20)
@pytest.mark.timeout(180)
def test_it_walks_a_nomination_from_request_to_feedback_at_both_widths(
    live_server,
    browser: Browser,
    lead,
    core1,
    core2,
    core3,
    core4,
    maintainer,
    nominator,
    nominee,
    module,
):
    # The nominator's earlier nomination, declined, whose feedback is out.
    build = Build(Clock(), lead, core1, core2, core3, core4, maintainer, nominator, nominee, module)
    declined = build.decided(
        outcome=Outcome.DECLINED, nominee=build.person("Sofia Rossi", "srossi")
    )
    with walk_at_both_widths(browser, live_server.url) as walk:
        nomination = request_and_triage(walk, nominee, core1)
        add_testimony(walk, maintainer, nomination)
        vote_to_announcement(walk, nomination, lead, core1, core2, core3, core4)
        read_feedback(walk, nominee, nominator, nomination, declined)

    assert walk.checked >= 2 * 20


@pytest.mark.slow(seconds=9)
@pytest.mark.timeout(120)
def test_it_walks_a_meeting_from_draft_to_published_minutes_at_both_widths(
    live_server, browser: Browser, lead, core1, core2, core3
):
    with walk_at_both_widths(browser, live_server.url) as walk:
        meeting_to_minutes(walk, core1, lead, core2, core3)

    assert walk.checked >= 2 * 8


def add_public_meeting(core1):
    meeting = new_meeting(core1, title="Core Maintainers Meeting March 2023")
    add_public_item(core1, meeting, title="Release plan")
    return meeting


def walk_the_public_pages(walk: Walk, meeting, module, lead) -> None:
    walk.as_("anonymous")
    for path, label in [
        ("/", "home"),
        ("/modules/", "modules"),
        (module.get_absolute_url(), "module"),
        (lead.person.get_absolute_url(), "person"),
        ("/meetings/", "minutes"),
        (f"/meetings/{meeting.slug}/", "meeting"),
        ("/announcements/", "announcements"),
        ("/become-a-maintainer/", "become a maintainer"),
        ("/exports/", "repository files"),
        ("/meetings/search/?q=release", "search"),
        ("/accounts/login/", "sign in"),
    ]:
        walk.visit("anonymous", path, label)
    # The minutes' titles are the links to them: no column of the table may hide them.
    page = walk.pages["anonymous"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/meetings/")
    expect(page.get_by_role("link", name=meeting.title)).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})


def request_and_triage(walk: Walk, nominee, core1) -> Nomination:
    page = walk.as_("nominee", nominee)
    walk.visit("nominee", "/nominations/request/", "request form")
    page.get_by_label("Nominee's full name").fill(nominee.person.full_name)
    page.get_by_label("Nominee's GitHub handle").fill(nominee.person.github)
    page.get_by_label("Role").select_option(label="Module maintainer")
    page.locator("#id_module").select_option(label="NN APIs (torch.nn)")
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Waiting for the core maintainers")).to_be_visible()
    walk.check("nominee", "dashboard with request")

    page = walk.as_("core1", core1)
    walk.visit("core1", "/nominations/", "dashboard")
    page.get_by_role("link", name=nominee.person.full_name).first.click()
    walk.check("core1", "request triage")
    page.get_by_role("link", name="Spam…").click()
    expect(page.get_by_text("The requester is not notified")).to_be_visible()
    walk.check("core1", "spam confirmation")
    page.get_by_role("button", name="Take up as a draft").click()
    expect(page.get_by_text("Taken up as a draft nomination.")).to_be_visible()
    walk.check("core1", "draft nomination")
    page.get_by_role("button", name="Open for evidence").click()
    page.get_by_label("Hana Sato (@hsato)").check()
    page.get_by_role("button", name="Invite into the evidence thread").click()
    expect(page.get_by_text("Hana Sato (@hsato): no evidence yet")).to_be_visible()
    walk.check("core1", "nomination open for evidence")
    nomination = Nomination.objects.get(nominee=nominee.person)
    assert nomination.status == NominationStatus.OPEN
    return nomination


def add_testimony(walk: Walk, maintainer, nomination: Nomination) -> None:
    page = walk.as_("maintainer", maintainer)
    walk.visit("maintainer", "/nominations/", "dashboard")
    page.get_by_role("link", name=nomination.nominee.full_name).click()
    page.get_by_label("Criterion").select_option(label="Support from the module's maintainers")
    page.get_by_role("textbox", name="Evidence").fill(TESTIMONY)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Your evidence was added to the thread.")).to_be_visible()
    walk.check("maintainer", "nomination with testimony")


def vote_to_announcement(walk: Walk, nomination, lead, core1, core2, core3, core4) -> None:
    page = walk.pages["core1"]
    page.goto(nomination.get_absolute_url())
    expect(page.get_by_text("Hana Sato (@hsato): has added evidence")).to_be_visible()
    page.get_by_role("link", name="Start the vote…").click()
    expect(page.get_by_text("Every core maintainer is told")).to_be_visible()
    walk.check("core1", "start the vote confirmation")
    page.get_by_role("button", name="Start the vote now").click()
    expect(page.get_by_text("Voting is open; every core maintainer")).to_be_visible()

    # Five voters; the last ballot closes the vote early, and the message says so.
    voters = [("core1", core1), ("lead", lead), ("core2", core2), ("core3", core3)]
    for name, user in voters:
        page = walk.as_(name, user)
        vote(page, nomination)
        expect(page.get_by_text("Your vote is recorded. You may change it")).to_be_visible()
    walk.check("core3", "nomination after a ballot")
    page = walk.as_("core4", core4)
    vote(page, nomination)
    expect(page.get_by_text("the vote has closed and passed")).to_be_visible()
    expect(page.get_by_text("Closed on")).to_be_visible()
    walk.check("core4", "nomination closed early")

    # core1 opened the vote, so core2 decides, writes the feedback and announces.
    page = walk.pages["core2"]
    page.goto(nomination.get_absolute_url())
    expect(page.get_by_label("Accepted", exact=True)).to_be_checked()
    walk.check("core2", "decision form")
    page.get_by_label("Reasons").fill(REASONS)
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_label("Feedback to the nominee").fill(TO_NOMINEE)
    page.get_by_label("Feedback to the nominators").fill(TO_NOMINATORS)
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("link", name="Release the feedback…").click()
    walk.check("core2", "release the feedback confirmation")
    page.get_by_role("button", name="Release the feedback now").click()
    page.get_by_role("link", name="Release the announcement and update the roster…").click()
    expect(page.get_by_text("Everyone, the public included.")).to_be_visible()
    walk.check("core2", "announcement confirmation")
    page.get_by_role("button", name="Release and update the roster now").click()
    expect(page.get_by_text("Announced.")).to_be_visible()
    walk.check("core2", "nomination announced")
    walk.visit("core1", nomination.get_absolute_url() + "confirm/announcement_release/",
               "announcement confirmation, as the opener")  # fmt: skip
    expect(walk.pages["core1"].get_by_role("button", name="Release")).to_be_disabled()


def read_feedback(walk: Walk, nominee, nominator, nomination, declined) -> None:
    page = walk.pages["nominee"]
    walk.visit("nominee", "/nominations/", "dashboard with feedback")
    feedback = page.locator("section", has=page.get_by_role("heading", name="Feedback for you"))
    feedback.get_by_role("link", name=nominee.person.full_name).click()
    expect(page.get_by_text("Accepted", exact=True)).to_be_visible()
    expect(page.get_by_text(TO_NOMINEE)).to_be_visible()
    walk.check("nominee", "feedback")
    page.locator(".account summary").click()
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_text(" unread")).to_be_visible()
    walk.check("nominee", "inbox")

    page = walk.as_("nominator", nominator)
    walk.visit("nominator", "/nominations/", "dashboard")
    mine = page.locator("section", has=page.get_by_role("heading", name="Nominations you made"))
    expect(mine.get_by_text("Declined")).to_be_visible()
    mine.get_by_role("link", name="Sofia Rossi").click()
    expect(page.get_by_text("may nominate again at any time")).to_be_visible()
    walk.check("nominator", "feedback")


def meeting_to_minutes(walk: Walk, core1, lead, core2, core3) -> None:
    page = walk.as_("core1", core1)
    walk.visit("core1", "/meetings/manage/", "meetings")
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Title").fill("Core Maintainers Meeting May 2023")
    starts = timezone.now() - datetime.timedelta(days=1)
    page.get_by_label("Starts at (UTC)").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Create the draft").click()
    walk.check("core1", "workspace")
    page.locator("#id_new_item_title").fill("Release plan")
    page.get_by_role("button", name="Add the item").click()
    page.get_by_role("textbox", name="Notes").fill(NOTES)
    page.locator("#id_decision-outcome").select_option(label="Accepted")
    page.locator("#id_decision-text").fill("Ship in March.")
    page.locator("#id_action-text").fill("Write the release notes.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Saved the notes, the decision, the action item.")).to_be_visible()
    expect(page.locator("mark.redacted")).to_have_text("[names redacted]")
    walk.check("core1", "agenda item")
    page.get_by_role("link", name="Core Maintainers Meeting May 2023").click()
    page.get_by_role("button", name="Submit for review").click()
    slug = page.url.rstrip("/").split("/")[-2]
    walk.check("core1", "workspace in review")
    for name, user in (("lead", lead), ("core2", core2), ("core3", core3)):
        page = walk.as_(name, user)
        page.goto(f"/meetings/{slug}/edit/")
        page.get_by_label("Approve", exact=True).check()
        page.get_by_role("button", name="Send my review").click()
    expect(page.get_by_text("the minutes are published")).to_be_visible()
    walk.check("core3", "workspace published")
    walk.as_("anonymous")
    walk.visit("anonymous", f"/meetings/{slug}/", "published minutes")
    expect(walk.pages["anonymous"].get_by_text("Jane Doe")).to_have_count(0)

    page = walk.pages["core1"]
    walk.visit("core1", "/meetings/import/", "import")
    page.get_by_label("…or paste the minutes").fill(IMPORTED)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    walk.check("core1", "import preview")
    page.get_by_role("button", name="Import as private drafts").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("April 7th, 2023")
    walk.check("core1", "imported workspace")
    walk.visit("core1", "/meetings/action-items/", "action items")


def walk_the_admin(walk: Walk, staff, outsider) -> None:
    walk.as_("staff", staff)
    walk.visit("staff", "/admin/", "admin")
    walk.visit("staff", "/admin/governance/module/", "admin modules")
    walk.as_("outsider", outsider)
    walk.visit("outsider", "/nominations/", "dashboard")
    walk.visit("outsider", "/inbox/", "inbox")
