"""End to end in headless Chromium: a newcomer signs in with GitHub through the fake GitHub on
loopback, requests their own nomination, and once the core maintainers have decided it, reads
the feedback meant for them."""

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Browser, expect

from governance.models import Person
from nominations import services
from nominations.models import Criterion, NominationKind, Outcome
from tests.accounts.conftest import GitHubAccount, verified
from tests.browser.conftest import (  # noqa: F401  (Debian's Chromium, the ORM beside Playwright)
    _allow_orm_beside_playwright,
    _chromium_present,
    browser_type_launch_args,
)
from tests.nominations.conftest import FAILING_VOTES, Build, clock  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

TO_NOMINEE = "Thank you for asking. Review design proposals for a quarter, then ask again."


def decide_and_release(build: Build, request) -> None:
    """The core maintainers' side, through the services: take the request up, gather
    evidence, vote it down, decide, and release the feedback."""
    nomination = services.nomination_request_take_up(actor=build.core1, request=request)
    services.nomination_open(actor=build.core1, nomination=nomination)
    services.evidence_add(
        actor=build.core1,
        nomination=nomination,
        criterion=Criterion.CONTRIBUTIONS,
        body="Forty reviews in the module this year.",
    )
    services.voting_open(actor=build.core1, nomination=nomination)
    build.vote(nomination, dict(zip(build.electorate, FAILING_VOTES, strict=True)))
    nomination = build.close(nomination)
    services.nomination_decide(
        actor=build.core2, nomination=nomination, outcome=Outcome.DECLINED, reasons="The vote."
    )
    services.feedback_save(
        actor=build.core1, nomination=nomination, to_nominee=TO_NOMINEE, to_nominators="-"
    )
    services.feedback_release(actor=build.core1, nomination=nomination)


def test_it_signs_in_with_github_requests_a_self_nomination_and_reads_the_feedback(
    browser: Browser,
    live_server,
    fake_github,
    clock,  # noqa: F811
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
    build = Build(clock, lead, core1, core2, core3, core4, maintainer, nominator, nominee, module)
    fake_github.account = GitHubAccount(
        id=9001, login="BeaRowser", name="Bea Rowser", emails=verified("bea@example.org")
    )
    # The policy names GitHub as a place the sign-in form may lead; here the fake one.
    policy = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {fake_github.url}"
    )
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        page.goto("/accounts/login/?next=/nominations/request/")
        page.get_by_role("button", name="Sign in with GitHub").click()
        expect(page).to_have_url(f"{live_server.url}/nominations/request/")
        menu = page.locator(".account summary")  # the account menu names who signed in
        expect(menu).to_contain_text("BeaRowser")
        menu.click()
        expect(page.get_by_role("button", name="Sign out BeaRowser")).to_be_visible()
        menu.click()

        page.get_by_label("Nominee's full name").fill("Bea Rowser")
        page.get_by_label("Nominee's GitHub handle").fill("bearowser")
        page.get_by_label("Role").select_option(NominationKind.MODULE_REVIEWER)
        page.get_by_label("Module").select_option(str(module.pk))
        page.get_by_label("Rationale").fill("I review most changes to this module.")
        page.get_by_role("button", name="Send the request").click()
        expect(page.get_by_role("status")).to_be_visible()

        requester = Person.objects.get(github="BeaRowser").user
        decide_and_release(build, requester.nomination_requests.get())

        page.goto("/inbox/")
        page.get_by_role("link", name="Feedback on a nomination is ready for you").first.click()
        expect(page.get_by_text(TO_NOMINEE)).to_be_visible()
    context.close()
