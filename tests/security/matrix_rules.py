"""Who may use each route of the access matrix (`matrix.py`): `RULES` names, for every pattern
of the URLconf, the objects of the world that fill it and the policy's answer for each persona.
A route added to the URLconf fails the matrix until it has an entry here."""

from collections.abc import Callable
from dataclasses import dataclass, field

from governance import permissions
from governance.forms import STEP_FORMS
from meetings.models import MeetingStatus
from nominations import services as nomination_services
from nominations.dashboard_selectors import SECTIONS
from nominations.models import PROPOSAL_KINDS, Elector, Feedback, Nomination, ProposalKind
from nominations.wording import CONFIRMATIONS
from tests.meetings.conftest import CANARY_PRIVATE_ITEM_NOTE, PUBLIC_WORD
from tests.proposals.conftest import CANARY_PROPOSAL_TEXT, CANARY_PROPOSAL_TITLE
from tests.security.conftest import World

NOT_FOUND = "non-existent"


@dataclass(frozen=True)
class Case:
    """A route filled with one object."""

    label: str
    kwargs: dict
    subject: object = None
    query: dict = field(default_factory=dict)


Policy = Callable[[object, object], bool]


@dataclass(frozen=True)
class Rule:
    """`cases` fills the route from the world. A public rule has `public`: which subjects the
    public may see. A private rule has `may_see` (may know the subject exists) and `may_do`
    (may use the page; defaults to `may_see`)."""

    cases: Callable[[World], list[Case]]
    public: Callable[[object], bool] | None = None
    may_see: Policy | None = None
    may_do: Policy | None = None
    # Pages whose answer depends on who asks but never on an object (the admin's sign-in
    # form, say, sends staff who are signed in on to the admin): any answer but 404 and 5xx.
    any_answer: bool = False

    @property
    def is_private(self) -> bool:
        return self.may_see is not None


# Filling routes with objects --------------------------------------------------------------------


def one(**kwargs) -> Callable[[World], list[Case]]:
    return lambda world: [Case("", kwargs)]


def nominations(world: World) -> list[Case]:
    cases = [Case(state, {"pk": n.pk}, n) for state, n in world.nominations.items()]
    return [*cases, Case(NOT_FOUND, {"pk": max(case.kwargs["pk"] for case in cases) + 1})]


def proposal_votes(world: World) -> list[Case]:
    """A motion in voting. The world holds none of its own, so the first call makes one through
    the services, as core1 (who proposes) and core3 (who opens the vote)."""
    vote = Nomination.objects.filter(kind__in=PROPOSAL_KINDS).first()
    if vote is None:
        vote = nomination_services.proposal_create(
            actor=world.builder.core1,
            kind=ProposalKind.MOTION,
            title=f"Adopt the RFC process {CANARY_PROPOSAL_TITLE}",
            text=f"Decide larger changes by written RFCs. {CANARY_PROPOSAL_TEXT}",
        ).vote
        nomination_services.voting_open(actor=world.builder.core3, nomination=vote)
    missing = Nomination.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    return [Case("motion in voting", {"pk": vote.pk}, vote), Case(NOT_FOUND, {"pk": missing})]


def confirmations(world: World) -> list[Case]:
    """Each nomination's withdrawal page, and every step's page of the first nomination."""
    first = next(iter(world.nominations.values()))
    return [
        *(Case(f"{state} withdraw", {"pk": n.pk, "step": "withdraw"}, n)
          for state, n in world.nominations.items()),
        *(Case(step, {"pk": first.pk, "step": step}, first) for step in CONFIRMATIONS),
    ]  # fmt: skip


def evidence(world: World) -> list[Case]:
    return [Case("core1's entry", {"pk": world.evidence.pk}, world.evidence)]


def requests(world: World) -> list[Case]:
    return [
        Case("pending", {"pk": world.pending_request.pk}, world.pending_request),
        Case("rejected", {"pk": world.rejected_request.pk}, world.rejected_request),
        Case("naming core1", {"pk": world.named_request.pk}, world.named_request),
    ]


def proposal(world: World, **extra) -> list[Case]:
    return [Case("draft", {"pk": world.proposal.pk, **extra}, world.proposal)]


def meetings(world: World) -> list[Case]:
    return [Case(m.status, {"slug": m.slug}, m) for m in world.meetings] + [
        Case(NOT_FOUND, {"slug": "no-such-meeting"})
    ]


def versions(world: World) -> list[Case]:
    return [Case(m.status, {"slug": m.slug, "number": 1}, m) for m in world.meetings]


def versions_to_retract(world: World) -> list[Case]:
    """Version 1 of each meeting (the draft has none), and a number no version has."""
    published = world.published_meeting
    return [
        Case(m.status, {"slug": m.slug, "number": 1}, m.versions.filter(number=1).first())
        for m in world.meetings
    ] + [Case(NOT_FOUND, {"slug": published.slug, "number": 99})]


def items(world: World) -> list[Case]:
    return [
        Case(f"{m.status} item {item.pk}", {"slug": m.slug, "pk": item.pk}, m)
        for m in world.meetings
        for item in world.items(m)
    ]


def decisions(world: World) -> list[Case]:
    return [
        Case(f"{m.status} decision", {"slug": m.slug, "pk": d.pk}, m)
        for m in world.meetings
        for d in world.decisions(m)[:1]
    ]


def action_items(world: World) -> list[Case]:
    return [Case(f"action item {a.pk}", {"pk": a.pk}, a) for a in world.action_items()]


# The policy for each route --------------------------------------------------------------------


def signed_in(user, subject=None) -> bool:
    return bool(user.is_authenticated and user.is_active)


def core(user, subject=None) -> bool:
    return permissions.can_manage_meetings(user) if user.is_authenticated else False


def view_nomination(user, nomination) -> bool:
    return nomination is not None and permissions.can_view_nomination(user, nomination)


def verification_electorate(nomination) -> frozenset[int]:
    return frozenset(Elector.objects.filter(nomination=nomination).values_list("user", flat=True))


def see_vote_verification(user, nomination) -> bool:
    return nomination is not None and permissions.can_see_vote_verification(
        user, nomination, electorate=verification_electorate(nomination)
    )


def verify_vote(user, nomination) -> bool:
    return nomination is not None and permissions.can_verify_vote(
        user, nomination, electorate=verification_electorate(nomination)
    )


def view_proposal(user, vote) -> bool:
    return vote is not None and permissions.can_view_proposal(user, vote)


def read_feedback(user, nomination) -> bool:
    if nomination is None:
        return False
    feedback = Feedback.objects.filter(nomination=nomination).first()
    return permissions.can_read_feedback(user, nomination, feedback)


def meeting_draft(user, meeting) -> bool:
    return (
        meeting is not None
        and user.is_authenticated
        and (permissions.can_view_meeting_draft(user, meeting))
    )


def published(meeting) -> bool:
    return meeting is not None and meeting.status == MeetingStatus.PUBLISHED


def forum_errors(user, subject=None) -> bool:
    return permissions.can_see_forum_errors(user)


def everyone(subject) -> bool:
    return True


def public_export(subject) -> bool:
    return subject != NOT_FOUND


def api_list_pages(world: World) -> list[Case]:
    return [
        Case("first page", {}, True),
        Case("whole list", {}, True, {"page_size": "100"}),
        Case("past the last page", {}, None, {"page": "99"}),
    ]


RULES: dict[str, Rule] = {
    # The public site: roster, exports, announcements, published minutes.
    "": Rule(one(), public=everyone),
    "modules/": Rule(one(), public=everyone),
    "modules/<slug:slug>/": Rule(
        lambda w: [Case("", {"slug": w.module.slug}, True), Case(NOT_FOUND, {"slug": "nope"})],
        public=bool,
    ),
    "people/": Rule(
        lambda w: [
            Case("", {}, True),
            Case("module", {}, True, {"module": w.module.slug, "status": "active"}),
            Case(NOT_FOUND, {}, None, {"module": "nope"}),
        ],
        public=bool,
    ),
    "people/<str:github>/": Rule(
        lambda w: [
            Case("maintainer", {"github": "hsato"}, True),
            # A nominee never announced holds no role and has no page.
            Case("declined nominee", {"github": "srossi"}),
        ],
        public=bool,
    ),
    "exports/": Rule(one(), public=everyone),
    "exports/OWNERS.zip": Rule(one(), public=everyone),
    "exports/owners/<slug:slug>/OWNERS": Rule(
        lambda w: [Case("", {"slug": w.module.slug}, True)], public=bool
    ),
    "exports/<str:filename>": Rule(
        lambda w: [
            Case("", {"filename": "CODEOWNERS"}, True),
            Case("", {"filename": "persons_of_interest.md"}, True),
            Case(NOT_FOUND, {"filename": "secrets.txt"}),
        ],
        public=bool,
    ),
    "announcements/": Rule(one(), public=everyone),
    "become-a-maintainer/": Rule(one(), public=everyone),
    "transparency/": Rule(one(), public=everyone),
    "meetings/": Rule(one(), public=everyone),
    "meetings/feed/": Rule(one(), public=everyone),
    "meetings/calendar.ics": Rule(one(), public=everyone),
    "meetings/export.md": Rule(
        lambda w: [
            Case("published", {}, w.published_meeting, {"m": w.published_meeting.slug}),
            Case("draft", {}, w.draft_meeting, {"m": w.draft_meeting.slug}),
        ],
        public=published,
    ),
    "meetings/search/": Rule(
        lambda w: [
            Case(f"q={query}", {}, True, {"q": query})
            for query in (PUBLIC_WORD, CANARY_PRIVATE_ITEM_NOTE, "redacted")
        ],
        public=bool,
    ),
    "meetings/<slug:slug>/": Rule(meetings, public=published),
    "meetings/<slug:slug>/v/<int:number>/": Rule(versions, public=published),
    "healthz": Rule(one(), public=everyone),
    # The public JSON API: its documentation, its schema, and lists of public data, each
    # answering 404 past its last page.
    "api/v1/": Rule(one(), public=everyone),
    "api/v1/openapi.json": Rule(one(), public=everyone),
    "api/v1/roster": Rule(api_list_pages, public=bool),
    "api/v1/meetings": Rule(api_list_pages, public=bool),
    "api/v1/announcements": Rule(api_list_pages, public=bool),
    "api/v1/meetings/<slug>": Rule(meetings, public=published),
    # Retry a refused forum post: core maintainers, who see the error on the page.
    "forum-topics/<int:pk>/retry/": Rule(one(pk=1), may_see=forum_errors),
    # Signing in and out, and resetting a password, are for everyone.
    "accounts/login/": Rule(one(), public=everyone),
    "accounts/logout/": Rule(one(), public=everyone),
    "accounts/password_reset/": Rule(one(), public=everyone),
    "accounts/password_reset/done/": Rule(one(), public=everyone),
    "accounts/reset/<uidb64>/<token>/": Rule(
        one(uidb64="MQ", token="set-password"), public=everyone
    ),
    "accounts/reset/done/": Rule(one(), public=everyone),
    "admin/login/": Rule(one(), public=everyone, any_answer=True),
    "admin/logout/": Rule(one(), public=everyone, any_answer=True),
    # Two-factor sign-in: each page acts on the signed-in user's own devices only.
    "accounts/two-factor/setup/": Rule(
        one(), may_see=lambda u, s: permissions.may_enroll_authenticator(u)
    ),
    "accounts/two-factor/verify/": Rule(
        one(), may_see=lambda u, s: permissions.has_second_factor(u)
    ),
    "accounts/two-factor/recovery-codes/": Rule(
        one(), may_see=lambda u, s: permissions.has_second_factor(u)
    ),
    # Sign-in with GitHub: started by a POST from anyone. Without an OAuth app (as here) the
    # callback does not exist; tests/accounts covers it with the fake GitHub.
    "accounts/github/login/": Rule(one(), public=everyone),
    "accounts/github/login/callback/": Rule(one(), public=lambda subject: False),
    # An emailed invitation: a link that is not a valid, unspent token answers 404 to everyone.
    # tests/accounts/test_invitations.py covers valid links.
    "accounts/invitations/<str:token>/": Rule(
        one(token="not-a-signed-token"), public=lambda subject: False
    ),
    # The account page: every signed-in account, its own sign-in methods only.
    "accounts/": Rule(one(), may_see=lambda u, s: permissions.can_use_account_page(u)),
    "accounts/password_change/": Rule(one(), may_see=signed_in),
    "accounts/password_change/done/": Rule(one(), may_see=signed_in),
    # Anyone signed in: their own inbox, action items, dashboard and requests.
    "inbox/": Rule(one(), may_see=signed_in),
    "nominations/": Rule(one(), may_see=signed_in),
    "nominations/request/": Rule(one(), may_see=signed_in),
    "meetings/action-items/": Rule(
        one(), may_see=lambda u, s: permissions.can_see_own_action_items(u)
    ),
    "meetings/action-items/<int:pk>/": Rule(
        action_items, may_see=lambda u, a: permissions.can_update_action_item_status(u, a)
    ),
    # Reports and taxonomy proposals: core maintainers.
    "reports/": Rule(one(), may_see=lambda u, s: permissions.can_view_reports(u)),
    "reports/inactive/": Rule(one(), may_see=lambda u, s: permissions.can_view_reports(u)),
    "reports/understaffed/": Rule(one(), may_see=lambda u, s: permissions.can_view_reports(u)),
    "reports/affiliations/": Rule(one(), may_see=lambda u, s: permissions.can_view_reports(u)),
    "reports/taxonomy/": Rule(one(), may_see=lambda u, s: permissions.can_view_reports(u)),
    "reports/taxonomy/<int:pk>/": Rule(
        proposal, may_see=lambda u, s: permissions.can_view_reports(u)
    ),
    "reports/taxonomy/<int:pk>/steps/<str:operation>/": Rule(
        lambda w: proposal(w, operation=next(iter(STEP_FORMS))),
        may_see=lambda u, s: permissions.can_view_reports(u),
    ),
    "reports/taxonomy/<int:pk>/steps/<int:position>/remove/": Rule(
        lambda w: proposal(w, position=1), may_see=lambda u, s: permissions.can_view_reports(u)
    ),
    "reports/taxonomy/<int:pk>/withdraw/": Rule(
        proposal, may_see=lambda u, s: permissions.can_view_reports(u)
    ),
    # Nominations: the thread for core maintainers and invited module maintainers, never the
    # nominee; the feedback for the nominee and the nominators once released.
    # A request, like a nomination, is never shown to the person it names; the triage page shows
    # it whatever its status (a rejected one with its reason).
    "nominations/requests/<int:pk>/": Rule(
        requests, may_see=lambda u, r: permissions.can_view_request(u, r)
    ),
    "nominations/new/": Rule(one(), may_see=lambda u, s: permissions.can_manage_nominations(u)),
    # Proposals: the core maintainers only; their voting routes are the nominations' own.
    "nominations/proposals/new/": Rule(one(), may_see=lambda u, s: permissions.can_propose(u)),
    "nominations/proposals/<int:pk>/": Rule(proposal_votes, may_see=view_proposal),
    "nominations/proposals/<int:pk>/decide/": Rule(proposal_votes, may_see=view_proposal),
    "nominations/all/<slug:section>/": Rule(
        lambda w: [
            *(Case(slug, {"section": slug}, True) for slug in SECTIONS),
            Case(NOT_FOUND, {"section": "everything"}),
        ],
        may_see=lambda u, listed: listed is not None and permissions.can_manage_nominations(u),
    ),
    "nominations/from-inactive/": Rule(
        one(), may_see=lambda u, s: permissions.can_open_removal_nominations(u)
    ),
    "nominations/from-inactive/emeritus/": Rule(
        one(), may_see=lambda u, s: permissions.can_propose(u)
    ),
    "nominations/<int:pk>/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/open/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/invite/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/evidence/": Rule(nominations, may_see=view_nomination),
    "nominations/evidence/<int:pk>/edit/": Rule(
        evidence,
        may_see=lambda u, e: view_nomination(u, e.nomination),
        may_do=lambda u, e: permissions.can_edit_evidence(u, e),
    ),
    "nominations/<int:pk>/voting/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/second/": Rule(nominations, may_see=view_nomination),
    # The nominee's consent page exists for them only once they are asked (no rule asks in the
    # world, so it answers 404 to all).
    "nominations/<int:pk>/consent/": Rule(
        nominations, may_see=lambda u, n: n is not None and permissions.can_see_consent_page(u, n)
    ),
    "nominations/<int:pk>/vote/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/recuse/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/close/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/decide/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/feedback/draft/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/feedback/release/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/feedback/": Rule(nominations, may_see=read_feedback),
    "nominations/<int:pk>/feedback/read/": Rule(nominations, may_see=read_feedback),
    "nominations/<int:pk>/announce/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/announcement/": Rule(nominations, may_see=view_nomination),
    "nominations/<int:pk>/withdraw/": Rule(nominations, may_see=view_nomination),
    # A vote's verification page: its frozen electorate (never the nominee), after the close.
    "nominations/<int:pk>/verify/": Rule(
        nominations, may_see=see_vote_verification, may_do=verify_vote
    ),
    "nominations/<int:pk>/confirm/<slug:step>/": Rule(confirmations, may_see=view_nomination),
    # Meetings' private working copy: core maintainers.
    "meetings/manage/": Rule(one(), may_see=core),
    "meetings/manage/from-inactive/": Rule(one(), may_see=core),
    "meetings/new/": Rule(one(), may_see=core),
    "meetings/import/": Rule(one(), may_see=core),
    "meetings/<slug:slug>/edit/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/carry-over/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/attendance/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/submit/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/review/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/publish/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/v/<int:number>/retract/": Rule(
        versions_to_retract,
        may_see=lambda u, v: v is not None and meeting_draft(u, v.meeting),
        may_do=lambda u, v: permissions.can_retract_minutes(u, v),
    ),
    "meetings/<slug:slug>/items/": Rule(meetings, may_see=meeting_draft),
    "meetings/<slug:slug>/items/<int:pk>/": Rule(items, may_see=meeting_draft),
    "meetings/<slug:slug>/items/<int:pk>/move/": Rule(items, may_see=meeting_draft),
    "meetings/<slug:slug>/items/<int:pk>/remove/": Rule(items, may_see=meeting_draft),
    "meetings/<slug:slug>/items/<int:pk>/decisions/": Rule(items, may_see=meeting_draft),
    "meetings/<slug:slug>/items/<int:pk>/action-items/": Rule(items, may_see=meeting_draft),
    "meetings/<slug:slug>/decisions/<int:pk>/remove/": Rule(decisions, may_see=meeting_draft),
}


# The admin site is staff's: `matrix.rule_for` gives every admin page this rule.
ADMIN_RULE = Rule(cases=lambda world: [])
