"""The audit log's labels and the admin of django-otp's devices: operators read no private text,
no authenticator key and no recovery code."""

import importlib
from base64 import b32encode
from binascii import unhexlify

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import AuditEvent
from meetings.models import AgendaItem
from nominations.models import Outcome
from tests.conftest import verified_device
from tests.meetings.conftest import CANARIES as MEETING_CANARIES
from tests.meetings.conftest import canary_meeting  # noqa: F401  (fixture)
from tests.nominations.conftest import build, clock  # noqa: F401  (fixtures)
from tests.security.world.test_admin_canaries import DECLINED_NAME, EMERITUS_REASON

pytestmark = pytest.mark.django_db


def test_it_labels_every_audit_event_with_ids_and_public_words(build, canary_meeting):  # noqa: F811
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
        "governance.migrations.0006_audit_labels_without_private_text"
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
