"""Operators run the site; they do not read its private text. Staff walk every page of the admin
(every page of every changelist, and every row's change page) over the world of the access
matrix, and meet no canary: no evidence, ballot, feedback, request rationale, draft minutes,
redacted span or private agenda item, no name of a requested or declined nominee, no reason
typed for an emeritus move, and no authenticator key or recovery code."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse

from governance import services as governance_services
from governance.models import RoleKind
from nominations import services as nomination_services
from nominations.models import NominationKind, Outcome
from tests.security.conftest import ALL_CANARIES, canary

pytestmark = pytest.mark.django_db

# Names are private too: a declined nominee is never named to anyone outside the decision.
DECLINED_NAME = canary("declinedname")
REQUESTED_NAME = canary("requestedname")
EMERITUS_REASON = canary("emeritusreason")
# The people admin lists everyone on file by name: that is the operators' own data to manage.
NAMES_SHOWN_ONLY_TO_MANAGE_PEOPLE = ("governance.person",)


@pytest.fixture
def named_in_private(world):
    """A declined nominee and a requested one whose names are canaries, and a role moved to
    emeritus with a canary for its typed reason, besides the world's canaries."""
    build = world.builder
    build.decided(
        outcome=Outcome.DECLINED,
        nominee=build.person(DECLINED_NAME, "qzdeclined"),
        rationale="Strong reviews.",
    )
    request = nomination_services.nomination_request_submit(
        actor=build.nominator,
        nominee_name=REQUESTED_NAME,
        nominee_github="qzrequested",
        kind=NominationKind.CORE_REVIEWER,
        module=None,
        rationale="Reviews a lot.",
    )
    nomination_services.nomination_request_reject(
        actor=build.core1, request=request, reason="Not yet."
    )
    reviewer = governance_services.role_grant(
        actor=build.lead,
        person=build.person("Ravi Iyer", "riyer"),
        kind=RoleKind.MODULE_REVIEWER,
        module=build.module,
    )
    governance_services.role_make_emeritus(actor=build.lead, role=reviewer, reason=EMERITUS_REASON)
    return world


def admin_pages() -> dict[str, list[str]]:
    """Model label -> its changelist (every page of it) and each row's change page, and the
    history page of its first row (which repeats the row's name, as the change page does)."""
    pages = {}
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        rows = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        per_page = model_admin.list_per_page
        urls = [f"{changelist}?p={page}" for page in range(1, len(rows) // per_page + 2)]
        urls += [reverse("admin:{}_{}_change".format(*info), args=[quote(pk)]) for pk in rows]
        urls += [reverse("admin:{}_{}_history".format(*info), args=[quote(pk)]) for pk in rows[:1]]
        pages[model._meta.label_lower] = urls
    return pages


def test_it_shows_staff_no_private_text_on_any_admin_page(named_in_private, signed_in):
    client = signed_in("staff")
    private_names = {DECLINED_NAME, REQUESTED_NAME}
    failures, walked = [], set()

    for label, urls in admin_pages().items():
        forbidden = ALL_CANARIES | {EMERITUS_REASON}
        if label not in NAMES_SHOWN_ONLY_TO_MANAGE_PEOPLE:
            forbidden |= private_names
        for url in urls:
            response = client.get(url)
            body = response.content.decode()
            walked.add(label)
            if response.status_code != 200:
                failures.append(f"{url}: {response.status_code}")
            elif leaked := sorted(word for word in forbidden if word in body):
                failures.append(f"{url}: {leaked}")

    assert failures == []
    assert {
        "governance.auditevent",
        "governance.person",
        "governance.role",
        "governance.notification",
        "nominations.nomination",
        "nominations.nominationrequest",
        "meetings.meeting",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
    } <= walked
