"""A nomination from evidence to feedback, in headless Chromium, as the personas would use it:
core1 reads and adds evidence, votes and changes the vote; the rest of the core team votes and
the vote closes; the lead decides and releases the feedback; the nominee reads it; an outsider
gets 404 on the nomination's address."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from nominations import services
from nominations.models import Criterion, Nomination, NominationKind, NominationStatus, Outcome
from tests.browser.conftest import expect_signed_in, sign_in_with_a_session
from tests.nominations.conftest import Build, Clock

# pytest-base-url (a pytest-playwright dependency) defines its session fixture as a method.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

TESTIMONIAL = "Hana's team relies on these reviews every week."
NEW_EVIDENCE = "Triaged 300 issues labelled module: nn since March."
REASONS = "The vote did not pass: design reviews are not there yet."
TO_NOMINEE = "Thank you for the reviews. Take on design reviews of new modules next."
TO_NOMINATORS = "A strong case; bring it back in two quarters with design reviews."


@pytest.fixture
def nomination(lead, core1, core2, core3, core4, maintainer, nominator, nominee, module):
    """In voting, nominated by `nominator`, with a testimonial from the invited maintainer."""
    build = Build(Clock(), lead, core1, core2, core3, core4, maintainer, nominator, nominee, module)
    draft = build.draft(kind=NominationKind.MODULE_MAINTAINER)
    services.nomination_open(actor=core1, nomination=draft)
    services.evidence_invite(actor=core1, nomination=draft, users=[maintainer])
    services.evidence_add(
        actor=maintainer, nomination=draft, criterion=Criterion.MODULE_SUPPORT, body=TESTIMONIAL
    )
    services.voting_open(actor=core1, nomination=draft)
    return Nomination.objects.get(pk=draft.pk)


@pytest.fixture
def signed_in(browser: Browser, live_server) -> Iterator[Callable[[object], Page]]:
    """`signed_in(user)`: a page in a fresh browser context, signed in, on the dashboard."""
    contexts = []

    def sign_in(user) -> Page:
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        sign_in_with_a_session(context, live_server.url, user)
        page = context.new_page()
        page.goto("/nominations/")
        expect_signed_in(page, user)
        return page

    yield sign_in
    for context in contexts:
        context.close()


def vote(page: Page, nomination: Nomination, choice: str, *, button: str = "Cast my vote"):
    page.goto(nomination.get_absolute_url())
    page.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("Your vote is recorded")).to_be_visible()


@pytest.mark.slow(seconds=8)
def test_it_takes_a_nomination_from_evidence_to_private_feedback(
    live_server, signed_in, nomination, lead, core1, core2, core3, core4, nominee, outsider
):
    url = nomination.get_absolute_url()
    site = live_server.url

    # core1 finds the vote on the dashboard, reads the evidence, adds to it and votes.
    page = signed_in(core1)
    awaiting = page.locator("section", has=page.get_by_role("heading", name="Awaiting my vote"))
    awaiting.get_by_role("link", name=nominee.person.full_name).click()
    expect(page).to_have_url(f"{site}{url}")
    expect(page.get_by_text(TESTIMONIAL)).to_be_visible()
    expect(page.get_by_text("A secret ballot: no count is shown to anyone")).to_be_visible()
    page.get_by_label("Criterion").select_option(Criterion.TRIAGE)
    page.get_by_role("textbox", name="Evidence:").fill(NEW_EVIDENCE)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("Your evidence was added to the thread.")).to_be_visible()
    expect(page.get_by_text(NEW_EVIDENCE)).to_be_visible()
    vote(page, nomination, "Approve")
    expect(page.get_by_text("You voted approve")).to_be_visible()
    expect(page.get_by_text("A secret ballot: no count is shown to anyone")).to_be_visible()
    expect(page.get_by_text("Running tally")).to_have_count(0)
    vote(page, nomination, "Decline", button="Change my vote")
    expect(page.get_by_text("You voted decline")).to_be_visible()

    # core2 to core4 vote; the lead votes last, and the vote closes as everyone has voted.
    for voter, choice in ((core2, "Decline"), (core3, "Approve"), (core4, "Decline")):
        vote(signed_in(voter), nomination, choice)
    page = signed_in(lead)
    vote(page, nomination, "Abstain")
    expect(page.get_by_text("Final tally:")).to_be_visible()
    expect(page.get_by_text("did not pass", exact=True)).to_be_visible()
    expect(page.get_by_text("the vote has closed and did not pass")).to_be_visible()
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.CLOSED

    # The lead records the decision, drafts the feedback and releases it.
    page.get_by_label("Declined", exact=True).check()
    page.get_by_label("Reasons").fill(REASONS)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", name="Decision: declined")).to_be_visible()
    page.get_by_label("Feedback to the nominee").fill(TO_NOMINEE)
    page.get_by_label("Feedback to the nominators").fill(TO_NOMINATORS)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The feedback draft is saved.")).to_be_visible()
    page.get_by_role("link", name="Release the feedback…").click()
    expect(page.get_by_text("The nominee and each nominator are told")).to_be_visible()
    page.get_by_role("button", name="Release the feedback now").click()
    expect(page.get_by_text("The feedback is released")).to_be_visible()
    assert Nomination.objects.get(pk=nomination.pk).outcome == Outcome.DECLINED

    # The nominee finds the feedback on their dashboard and reads only the text for them.
    page = signed_in(nominee)
    feedback = page.locator("section", has=page.get_by_role("heading", name="Feedback for you"))
    feedback.get_by_role("link", name=nominee.person.full_name).click()
    expect(page).to_have_url(f"{site}{url}feedback/")
    expect(page.get_by_text(TO_NOMINEE)).to_be_visible()
    expect(page.get_by_text(TO_NOMINATORS)).to_have_count(0)
    expect(page.get_by_text(TESTIMONIAL)).to_have_count(0)
    response = page.goto(url)
    assert response is not None
    assert response.status == 404

    # An outsider gets 404 on the nomination's address; the anonymous visitor, the sign-in page.
    page = signed_in(outsider)
    response = page.goto(url)
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text(nominee.person.full_name)).to_have_count(0)
    anonymous = page.context.browser.new_context(base_url=site)
    try:
        visitor = anonymous.new_page()
        visitor.goto(url)
        expect(visitor).to_have_url(f"{site}/accounts/login/?next={url}")
    finally:
        anonymous.close()
