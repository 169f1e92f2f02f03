"""What the nomination service and view tests share: a snapshot of everything a refused action
must leave as it was, and ways to read who was told and who may reach a page."""

import re
from urllib.parse import quote

from django.test import Client

from governance.models import (
    AuditEvent,
    Notification,
    NotificationChannel,
    Person,
    Role,
)
from nominations.models import (
    Announcement,
    Ballot,
    Elector,
    EvidenceEntry,
    EvidenceRevision,
    Feedback,
    Nomination,
    NominationDecision,
    NominationRequest,
    Tally,
)

OUTSIDE_THE_CORE_TEAM = ("maintainer", "nominator", "nominee", "outsider", "staff")


def snapshot() -> dict:
    """Everything a refused or failed nomination service must leave as it was."""
    return {
        "nominations": list(
            Nomination.objects.order_by("pk").values_list("pk", "status", "outcome", "updated_at")
        ),
        "requests": list(NominationRequest.objects.order_by("pk").values_list("pk", "status")),
        "evidence": list(EvidenceEntry.objects.order_by("pk").values_list("pk", "body")),
        "revisions": EvidenceRevision.objects.count(),
        "electors": Elector.objects.count(),
        "ballots": list(Ballot.objects.order_by("pk").values_list("pk", "superseded_at")),
        "tallies": Tally.objects.count(),
        "decisions": NominationDecision.objects.count(),
        "feedback": list(Feedback.objects.values_list("pk", "released_at", "to_nominee")),
        "announcements": list(Announcement.objects.values_list("pk", "released_at")),
        "roles": list(Role.objects.order_by("pk").values_list("pk", "status")),
        "people": Person.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def recipients(event_key: str, channel: str = NotificationChannel.INBOX) -> set[str]:
    return set(
        Notification.objects.filter(event_key=event_key, channel=channel).values_list(
            "recipient__username", flat=True
        )
    )


def usernames(users) -> set[str]:
    return {user.username for user in users}


def live_ballots(nomination: Nomination) -> list[tuple[str, str]]:
    return list(
        Ballot.objects.filter(nomination=nomination, superseded_at__isnull=True)
        .order_by("sequence")
        .values_list("voter__username", "choice")
    )


def reloaded(user):
    """The user as the next request would load it (no per-object role cache)."""
    return type(user).objects.get(pk=user.pk)


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.IGNORECASE)
UNINVOLVED = ("outsider", "nominee", "nominator", "staff")
LONG = "x" * 20_001


def login_url(path: str) -> str:
    return f"/accounts/login/?next={quote(path)}"


def send(client: Client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(url, data or {})


def assert_private(client_for, method: str, url: str, data: dict | None = None) -> None:
    """The outsider gets 404 and the anonymous user the sign-in page; nothing changes."""
    before = snapshot()
    hidden = send(client_for("outsider"), method, url, data)
    anonymous = send(client_for("anonymous"), method, url, data)
    assert hidden.status_code == 404, (method, url, hidden.status_code)
    assert anonymous.status_code == 302, (method, url, anonymous.status_code)
    assert anonymous["Location"] == login_url(url)
    assert snapshot() == before


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def private_routes(site, build) -> list[tuple[str, str, dict]]:
    draft, opened, voting = site["draft"].pk, site["open"].pk, site["voting"].pk
    closed, decided, unreleased = site["failed"].pk, site["declined"].pk, site["unreleased"].pk
    entry, request = site["entry"].pk, site["request"].pk
    return [
        ("get", f"/nominations/{draft}/", {}),
        ("get", f"/nominations/{opened}/", {}),
        ("get", f"/nominations/{voting}/", {}),
        ("get", f"/nominations/{closed}/", {}),
        ("get", f"/nominations/{decided}/", {}),
        ("get", f"/nominations/{site['announced'].pk}/", {}),
        ("get", f"/nominations/evidence/{entry}/edit/", {}),
        ("post", f"/nominations/evidence/{entry}/edit/", {"criterion": "general", "body": "Mine"}),
        ("get", f"/nominations/requests/{request}/", {}),
        ("post", f"/nominations/requests/{request}/", {"decision": "spam"}),
        ("get", "/nominations/new/", {}),
        (
            "post",
            "/nominations/new/",
            {"nominee": build.nominee.person.pk, "kind": "core_reviewer", "rationale": "Yes."},
        ),
        ("post", f"/nominations/{draft}/open/", {}),
        ("post", f"/nominations/{opened}/invite/", {"users": [build.maintainer.pk]}),
        ("post", f"/nominations/{voting}/evidence/", {"criterion": "general", "body": "Hello."}),
        ("post", f"/nominations/{opened}/voting/", {}),
        ("post", f"/nominations/{voting}/vote/", {"choice": "approve"}),
        ("post", f"/nominations/{voting}/close/", {}),
        ("post", f"/nominations/{closed}/decide/", {"outcome": "declined", "reasons": "No."}),
        (
            "post",
            f"/nominations/{closed}/feedback/draft/",
            {"to_nominee": "Hello.", "to_nominators": "Hello."},
        ),
        ("post", f"/nominations/{unreleased}/feedback/release/", {}),
        ("post", f"/nominations/{unreleased}/announce/", {}),
        ("post", f"/nominations/{voting}/withdraw/", {"reason": "Stepped back."}),
        ("get", f"/nominations/{unreleased}/feedback/", {}),
    ]
