"""Operators run the site; they do not read its private text. Staff walk every page of the admin
(every page of every changelist, and every row's change page) over the world of the access
matrix, and meet no canary: no evidence, ballot, feedback, request rationale, draft minutes,
redacted span or private agenda item, no name of a requested or declined nominee, no reason
typed for an emeritus move, and no authenticator key or recovery code."""

import importlib
from base64 import b32encode
from binascii import unhexlify

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import services as governance_services
from governance.models import AuditEvent, RoleKind
from meetings.models import AgendaItem
from nominations import services as nomination_services
from nominations.models import NominationKind, Outcome
from tests.conftest import verified_device
from tests.meetings.conftest import CANARIES as MEETING_CANARIES
from tests.security.conftest import ALL_CANARIES, canary

pytestmark = pytest.mark.django_db

# Names are private too: a declined nominee is never named to anyone outside the decision.
DECLINED_NAME = canary("declinedname")
REQUESTED_NAME = canary("requestedname")
EMERITUS_REASON = canary("emeritusreason")
# The people admin lists everyone on file by name: that is the operators' own data to manage.
NAMES_SHOWN_ONLY_TO_MANAGE_PEOPLE = ("governance.person",)


@pytest.fixture
def named_in_private(world, build):
    """A declined nominee and a requested one whose names are canaries, and a role moved to
    emeritus with a canary for its typed reason, besides the world's canaries."""
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


def test_it_labels_every_audit_event_with_ids_and_public_words(build, canary_meeting):
    declined = build.decided(
        outcome=Outcome.DECLINED, nominee=build.person(DECLINED_NAME, "qzdeclined")
    )
    item = AgendaItem.objects.filter(meeting=canary_meeting).order_by("pk").first()

    labels = list(AuditEvent.objects.values_list("target_label", "data"))

    forbidden = {*MEETING_CANARIES, DECLINED_NAME}
    assert [row for row in labels if any(word in str(row) for word in forbidden)] == []
    assert AuditEvent.objects.filter(
        verb="agenda_item.added",
        target_label=f"agenda item #{item.pk} of meeting #{canary_meeting.pk}",
    ).exists()
    assert AuditEvent.objects.filter(
        verb="nomination.decided", target_label=f"nomination #{declined.pk} (module maintainer)"
    ).exists()


def test_it_rewrites_the_labels_the_log_already_holds():
    old = [
        AuditEvent.objects.create(
            actor_label="core1",
            verb="agenda_item.updated",
            target_type="meetings.agendaitem",
            target_id="14",
            target_label=f"Conduct report {MEETING_CANARIES[0]}",
        ),
        AuditEvent.objects.create(
            actor_label="core1",
            verb="role.emeritus",
            target_type="governance.role",
            target_id="7",
            target_label=f"{DECLINED_NAME}: Module maintainer of NN (Emeritus)",
            data={"reason": EMERITUS_REASON},
        ),
    ]
    migration = importlib.import_module(
        "governance.migrations.0004_audit_labels_without_private_text"
    )

    migration.relabel(apps, None)

    rewritten = AuditEvent.objects.filter(pk__in=[event.pk for event in old]).order_by("pk")
    assert [(event.target_label, event.data) for event in rewritten] == [
        ("agenda item #14", {}),
        ("role #7", {}),
    ]


# django-otp's devices -----------------------------------------------------------------------------


def test_it_shows_staff_no_authenticator_key_or_recovery_code(core1, client_for):
    device, codes = verified_device(core1), ["qzcode1", "qzcode2"]
    recovery = StaticDevice.objects.create(user=core1, name="Recovery codes", confirmed=True)
    for code in codes:
        recovery.token_set.create(token=code)
    client = client_for("staff")
    secrets = [device.key, b32encode(unhexlify(device.key)).decode(), *codes]

    pages = [
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        "/admin/otp_static/staticdevice/",
        f"/admin/otp_static/staticdevice/{recovery.pk}/change/",
    ]
    bodies = {page: client.get(page) for page in pages}

    assert {page: r.status_code for page, r in bodies.items()} == dict.fromkeys(pages, 200)
    assert [
        (page, secret)
        for page, response in bodies.items()
        for secret in secrets
        if secret in response.content.decode()
    ] == []
    # django-otp's own pages of a device's setup QR code are gone with its admin.
    for tool in ("config", "qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:otp_totp_totpdevice_{tool}", args=[device.pk])
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


def test_it_lets_staff_reset_a_device_and_records_it(core1, staff, client_for):
    device = verified_device(core1)

    response = client_for("staff").post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(verb="two_factor.reset")
    assert (event.actor, event.target_id, event.target_label) == (
        staff,
        str(core1.pk),
        f"user #{core1.pk}",
    )
