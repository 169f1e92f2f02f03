"""What `make bench` needs from the seeded database, printed as one JSON line.

Runs inside Django (`manage.py shell`). The pages read seeded rows; the vote POST gets a fresh
nomination each run, opened through the services like any other, so the run measures real casts:

- Its kind is core maintainer, whose policy runs every vote to its deadline (no early close).
  Seeded module nominations close early once every elector has voted, so 40 voters would close
  them in the first second and every later POST would be refused.
- Its electorate is every active core maintainer (the nominee is not one), and each voter gets a
  session made the way the login view and then the two-factor page leave it (core maintainers
  sign in with a second factor; the seed gives them no authenticator, so one is added here).
- The previous run's vote is withdrawn first (through the service too), so repeated runs leave one
  bench vote open, not one more each time.
"""

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django.utils.crypto import get_random_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import permissions, selectors
from governance.models import Module, Person, RoleKind, RoleStatus
from meetings.models import MinutesVersion
from nominations import services
from nominations.models import LIVE_STATUSES, Nomination, NominationKind, NominationStatus

BENCH_RATIONALE = "Benchmark vote: opened by make bench for its vote POST load."
# Matches a few dozen meetings' minutes, not all of them (see MEETING_THEMES in the generator).
SEARCH_TERM = "quantization"


def verify_second_factor(session, user) -> None:
    """Mark the session verified with the user's authenticator, as the two-factor page does."""
    if permissions.requires_two_factor(user):
        device = selectors.authenticator_of(user) or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def session_for(user) -> tuple[str, str]:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    verify_second_factor(store, user)
    store.create()
    return store.session_key, get_random_string(32)


def open_bench_vote() -> Nomination:
    # The lead confirms core maintainer nominations, so another core maintainer opens the vote.
    lead = next(
        user
        for user in selectors.core_maintainer_users()
        if not permissions.is_lead_core_maintainer(user)
    )
    for old in Nomination.objects.filter(rationale=BENCH_RATIONALE, status__in=LIVE_STATUSES):
        services.nomination_withdraw(actor=lead, nomination=old, reason="A newer bench run.")
    nominee = (
        Person.objects.exclude(
            roles__kind__in=[RoleKind.CORE_MAINTAINER, RoleKind.LEAD_CORE_MAINTAINER],
            roles__status=RoleStatus.ACTIVE,
        )
        .exclude(
            nominations__kind=NominationKind.CORE_MAINTAINER,
            nominations__status__in=LIVE_STATUSES,
        )
        .order_by("pk")
        .first()
    )
    nomination = services.nomination_create(
        actor=lead, nominee=nominee, kind=NominationKind.CORE_MAINTAINER, rationale=BENCH_RATIONALE
    )
    services.nomination_open(actor=lead, nomination=nomination)
    return services.voting_open(actor=lead, nomination=nomination)


def prepare() -> dict:
    read_nomination = (
        Nomination.objects.filter(status=NominationStatus.VOTING)
        .annotate(entries=Count("evidence"))
        .filter(entries=20)
        .order_by("pk")
        .first()
    )
    reader = read_nomination.electors.filter(recused=False).select_related("user").first().user
    vote = open_bench_vote()
    voters = [e.user for e in vote.electors.filter(recused=False).select_related("user")]
    sessions = [session_for(user) for user in voters]
    latest = MinutesVersion.objects.select_related("meeting").order_by("-starts_at").first()
    return {
        "meeting": latest.meeting.slug,
        "module": Module.objects.order_by("slug").first().slug,
        "search": SEARCH_TERM,
        "nomination": read_nomination.pk,
        "reader": session_for(reader)[0],
        "vote": vote.pk,
        "voters": len(voters),
        "sessions": [key for key, _ in sessions],
        "csrf": [secret for _, secret in sessions],
    }


def main() -> None:
    print(json.dumps(prepare()))
