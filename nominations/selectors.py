"""Reads for the nomination pages, each a fixed number of queries whatever the data size."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from governance import permissions
from governance.integration_selectors import forum_topic_annotations
from governance.models import Invitation, Notification, Person, Role
from nominations import voting_rules
from nominations.errors import NominationError
from nominations.models import (
    GENESIS_HASH,
    PROPOSAL_KINDS,
    Announcement,
    Ballot,
    BallotChoice,
    Elector,
    EvidenceEntry,
    Feedback,
    FeedbackRead,
    Nomination,
    NominationDecision,
    NominationRequest,
    NominationStatus,
    Tally,
)

RECENT = datetime.timedelta(days=120)
LIST_LIMIT = 50


def _with_people(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related("nominee", "module", "ending_role", "ending_role__module")


def _listed(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """What a dashboard list shows of each nomination (nominations/_list.html): its nominee's
    name, its role title, its status and outcome, the time left to vote. A list page shows up
    to fifty; loading every column of four joined tables (JSON policies and path patterns,
    rationales, descriptions) cost more than rendering them."""
    return queryset.select_related("nominee", "module", "ending_role", "proposal").only(
        "nominee__full_name",
        "proposal__title",
        "module__name",
        "ending_role__kind",
        "kind",
        "status",
        "outcome",
        "voting_deadline",
    )


# Core maintainers' dashboard: each list shows its first rows and links to all of them, a page
# at a time, so the dashboard costs the same however many nominations a large project has in
# flight, and no row is out of reach.
DASHBOARD_ROWS = 10
SECTION_PAGE_ROWS = 50


@dataclass(frozen=True)
class Section:
    """One of the core maintainers' lists; `rows(user)` is every row, in the list's order."""

    slug: str
    title: str
    empty: str
    rows: Callable[..., QuerySet]
    of_requests: bool = False


@dataclass
class SectionRows:
    section: Section
    rows: list
    more: bool


def _theirs(user) -> QuerySet[Nomination]:
    # A core maintainer who is nominated (say, for a move to emeritus) does not see it here.
    return Nomination.objects.exclude(nominee__in=Person.objects.filter(user=user).values("pk"))


def _in_voting(user) -> QuerySet[Nomination]:
    """Votes in progress, each with the viewer's part in it: `my_recusal` is their elector row's
    recused flag (None where they are no elector), `i_voted` whether they hold a live ballot.
    Both are probes of one unique index per row; an EXISTS would let PostgreSQL hash every
    elector row the viewer ever had instead."""
    my_recusal = Elector.objects.filter(nomination=OuterRef("pk"), user=user).values("recused")
    live_ballot = Ballot.objects.filter(
        nomination=OuterRef("pk"), voter=user, superseded_at__isnull=True
    )
    return (
        _listed(_theirs(user).filter(status=NominationStatus.VOTING))
        .annotate(my_recusal=Subquery(my_recusal[:1]), i_voted=Exists(live_ballot))
        .order_by("voting_deadline", "pk")
    )


AWAITING_MY_VOTE = Q(my_recusal=False, i_voted=False)


SECTIONS = {
    section.slug: section
    for section in (
        Section(
            "awaiting",
            "Awaiting my vote",
            "Nothing is waiting for your vote.",
            lambda user: _in_voting(user).filter(AWAITING_MY_VOTE),
        ),
        Section(
            "voting",
            "Voting, already voted or recused",
            "No other votes are open.",
            # Written out: negating AWAITING_MY_VOTE would drop the votes where my_recusal is
            # NULL (those the viewer is no elector of).
            lambda user: _in_voting(user).filter(
                Q(my_recusal__isnull=True) | Q(my_recusal=True) | Q(i_voted=True)
            ),
        ),
        Section(
            "evidence",
            "Open for evidence and drafts",
            "No nominations are gathering evidence.",
            lambda user: _listed(
                _theirs(user).filter(status__in=[NominationStatus.DRAFT, NominationStatus.OPEN])
            ).order_by("-updated_at", "-pk"),
        ),
        Section(
            "decision",
            "Awaiting a decision",
            "No closed vote is waiting for a decision.",
            lambda user: _listed(_theirs(user).filter(status=NominationStatus.CLOSED)).order_by(
                "voting_closed_at", "pk"
            ),
        ),
        Section(
            "requests",
            "Requests to triage",
            "No requests are waiting.",
            lambda user: (
                permissions.requests_to_triage(user, NominationRequest.objects.all())
                .select_related("requester__person", "module")
                .order_by("created_at", "pk")
            ),
            of_requests=True,
        ),
        Section(
            "decided",
            "Recently decided",
            "Nothing decided recently.",
            lambda user: _listed(
                _theirs(user).filter(
                    status__in=[NominationStatus.DECIDED, NominationStatus.WITHDRAWN],
                    updated_at__gte=timezone.now() - RECENT,
                )
            ).order_by("-updated_at", "-pk"),
        ),
    )
}


def with_time_left(rows: list) -> list:
    """Set how long each open vote among `rows` has left, and where each stands in words (its
    `badge`), for nominations/_list.html: these lists are the core maintainers', who may see
    every status and outcome."""
    now = timezone.now()
    for row in rows:
        if isinstance(row, Nomination):
            row.badge = status_label(row)
            if row.status == NominationStatus.VOTING:
                row.time_left = row.voting_deadline - now
    return rows


def status_label(nomination: Nomination) -> str:
    """Where a nomination stands, for a reader who may know its status and outcome."""
    if nomination.status == NominationStatus.DECIDED and nomination.outcome:
        return f"Decided: {nomination.get_outcome_display().lower()}"
    return nomination.get_status_display()


def nominator_label(nomination: Nomination) -> str:
    """Where a nomination stands, for one of its nominators (`feedback_released` annotated):
    its outcome once the feedback tells them, and no more than "decided" before."""
    if nomination.status == NominationStatus.WITHDRAWN:
        return "Withdrawn"
    if nomination.status != NominationStatus.DECIDED:
        return "In progress"
    if permissions.nominator_knows_outcome(feedback_released=nomination.feedback_released):
        return nomination.get_outcome_display()
    return "Decided; the feedback is on its way"


@dataclass
class Dashboard:
    sections: list[SectionRows] = field(default_factory=list)
    invited: list[Nomination] = field(default_factory=list)
    my_requests: list[NominationRequest] = field(default_factory=list)
    nominated_by_me: list[Nomination] = field(default_factory=list)
    my_feedback: list[Nomination] = field(default_factory=list)


def dashboard_for(user) -> Dashboard:
    """What a signed-in user has to do or may read. Core maintainers: a query per section;
    everyone else: 4 (plus the role lookup each page makes once)."""
    board = Dashboard()
    if permissions.can_manage_nominations(user):
        for section in SECTIONS.values():
            rows = with_time_left(list(section.rows(user)[: DASHBOARD_ROWS + 1]))
            board.sections.append(
                SectionRows(section, rows[:DASHBOARD_ROWS], more=len(rows) > DASHBOARD_ROWS)
            )
        return board
    released = Feedback.objects.filter(nomination=OuterRef("pk"), released_at__isnull=False)
    board.invited = list(
        _listed(
            permissions.nominations_invited_to(
                user, Nomination.objects.exclude(status=NominationStatus.WITHDRAWN)
            )
        ).order_by("-updated_at", "-pk")[:LIST_LIMIT]
    )
    board.my_requests = list(
        NominationRequest.objects.filter(requester=user)
        .select_related("module")
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    board.nominated_by_me = list(
        _listed(Nomination.objects.filter(nominators=user))
        .annotate(feedback_released=Exists(released))
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    for nomination in board.nominated_by_me:
        nomination.badge = nominator_label(nomination)
        nomination.feedback_url = (
            reverse("nominations:feedback", args=[nomination.pk])
            if nomination.feedback_released
            else ""
        )
    # Two index lookups, united: an OR across the nominee and the nominators joins would read
    # every nomination.
    mine = (
        Nomination.objects.filter(nominee__user=user)
        .order_by()
        .values("pk")
        .union(Nomination.nominators.through.objects.filter(user=user).values("nomination"))
    )
    board.my_feedback = list(
        _listed(Nomination.objects.filter(pk__in=mine).filter(Exists(released))).order_by(
            "-updated_at", "-pk"
        )[:LIST_LIMIT]
    )
    for nomination in board.my_feedback:
        # Released feedback tells its reader the outcome.
        nomination.badge = status_label(nomination)
    return board


def nomination_for_page(pk: int) -> Nomination | None:
    """The nomination (annotated with its announcement's forum topic state) with everything its
    page shows but the outcome (`outcome_of`), in five
    queries whatever the thread size: the nomination with its people and request, nominators,
    evidence with authors and revision counts, electors with their users, and live ballots."""
    return _for_page(Nomination.objects.filter(pk=pk))


def _for_page(queryset: QuerySet[Nomination]) -> Nomination | None:
    evidence = EvidenceEntry.objects.select_related("author__person").annotate(
        revision_count=Count("revisions")
    )
    nomination = (
        _with_people(queryset)
        .annotate(**forum_topic_annotations("announcement"))
        .select_related("request", "request__requester__person")
        .prefetch_related(
            Prefetch("nominators", queryset=User.objects.select_related("person")),
            Prefetch("evidence", queryset=evidence.order_by("created_at", "pk")),
            Prefetch("electors", queryset=Elector.objects.select_related("user__person")),
            Prefetch(
                "ballots",
                queryset=Ballot.objects.filter(superseded_at__isnull=True).order_by("sequence"),
                to_attr="live_ballots",
            ),
        )
        .first()
    )
    if nomination is not None:
        # Every voter is an elector, whose user is loaded already.
        users = {elector.user_id: elector.user for elector in nomination.electors.all()}
        for ballot in nomination.live_ballots:
            if ballot.voter_id in users:
                ballot.voter = users[ballot.voter_id]
    return nomination


def proposal_for_page(pk: int) -> Nomination | None:
    """A proposal's vote with what its page shows: the nomination page's queries (its evidence
    thread is empty), the proposal and its taxonomy draft joined in, and one more for the roles
    of an emeritus batch."""
    roles = Role.objects.select_related("person", "module").order_by("pk")
    return _for_page(
        Nomination.objects.filter(pk=pk, kind__in=PROPOSAL_KINDS)
        .select_related("proposal", "proposal__taxonomy_proposal")
        .prefetch_related(Prefetch("proposal__emeritus_roles", queryset=roles))
    )


@dataclass(frozen=True)
class InvitedMaintainer:
    name: str
    has_evidence: bool


def invitations_of(nomination: Nomination) -> list[InvitedMaintainer]:
    """Who is invited into the evidence thread, by name, and whether each has added evidence
    (read from the thread `nomination_for_page` loaded). One query."""
    users = permissions.users_granted("nominations.view_evidence", nomination, related=("person",))
    authors = {entry.author_id for entry in nomination.evidence.all()}
    invited = [
        InvitedMaintainer(
            str(getattr(user, "person", None) or user.get_username()), user.pk in authors
        )
        for user in users
    ]
    return sorted(invited, key=lambda invitation: invitation.name.casefold())


@dataclass(frozen=True)
class VoteOutcome:
    tally: Tally | None = None
    decision: NominationDecision | None = None
    feedback: Feedback | None = None
    announcement: Announcement | None = None


OUTCOME_PARTS = ("tally", "decision", "feedback", "announcement")


def outcome_of(nomination: Nomination) -> VoteOutcome:
    """What the vote left behind. None of it exists before the close, so an open nomination's
    page asks nothing more, and a closed one's a query. Joined into the page's main query, these
    made PostgreSQL plan eleven joins on every view of every nomination."""
    if nomination.voting_closed_at is None:
        return VoteOutcome()
    parts = (
        Nomination.objects.filter(pk=nomination.pk)
        .select_related(*OUTCOME_PARTS, "decision__decided_by__person")
        .get()
    )
    return VoteOutcome(**{part: getattr(parts, part, None) for part in OUTCOME_PARTS})


def nomination_for_action(pk: int) -> Nomination | None:
    return _with_people(Nomination.objects.filter(pk=pk)).first()


def nomination_for_cast(pk: int) -> Nomination | None:
    """What the access check and a cast read of a nomination beyond what `ballot_cast` reads
    under its lock: whose it is (the check, and who its notices leave out) and the words of its
    heading (the receipt). A cast is the busiest action, and every column costs to load."""
    return (
        Nomination.objects.filter(pk=pk)
        .select_related("nominee", "module", "ending_role")
        .only("kind", "nominee__user_id", "nominee__full_name", "module__name", "ending_role__kind")
        .first()
    )


def announcements_public() -> QuerySet[Announcement]:
    """Released announcements only: a declined or unannounced nomination never shows here. Each
    carries its forum topic's address (`forum_topic_url`, None without one)."""
    forum = forum_topic_annotations("announcement", "nomination_id")
    return (
        Announcement.objects.filter(released_at__isnull=False)
        .select_related("nomination__nominee", "nomination__module")
        .annotate(forum_topic_url=forum["forum_topic_url"])
        .order_by("-released_at", "-pk")
    )


def announcements_matching(terms: list[str], limit: int) -> list[Announcement]:
    """Released announcements whose text holds every term, newest first. One query."""
    announcements = Announcement.objects.filter(released_at__isnull=False).only(
        "text", "released_at"
    )
    for term in terms:
        announcements = announcements.filter(text__icontains=term)
    return list(announcements.order_by("-released_at", "-pk")[:limit])


def evidence_entry(pk: int) -> EvidenceEntry | None:
    return (
        EvidenceEntry.objects.filter(pk=pk)
        .select_related("nomination", "nomination__nominee", "author")
        .prefetch_related("revisions__replaced_by")
        .first()
    )


def request_for_triage(pk: int) -> NominationRequest | None:
    """The request with its requester, its module, and the nomination taken up from it (which
    `permissions.can_view_request` asks about), in one query."""
    return (
        NominationRequest.objects.filter(pk=pk)
        .select_related("requester__person", "module", "nomination")
        .first()
    )


def votes_past_deadline() -> list[int]:
    """The votes the beat scan closes, by the status-and-deadline index."""
    return list(
        Nomination.objects.filter(
            status=NominationStatus.VOTING, voting_deadline__lte=timezone.now()
        )
        .order_by("voting_deadline", "pk")
        .values_list("pk", flat=True)
    )


def nomination_for_feedback(pk: int) -> Nomination | None:
    """The nomination with its people, feedback and the role it ends. One query."""
    return (
        Nomination.objects.filter(pk=pk)
        .select_related("nominee", "module", "feedback", "ending_role")
        .first()
    )


def count_ledger(nomination: Nomination) -> tuple[voting_rules.Count, str]:
    """Count the latest cast of each elector, straight from the ledger; verify the chain.

    Returns the count and the head hash. Raises NominationError if the chain is broken.
    """
    previous = GENESIS_HASH
    latest: dict[int, str] = {}
    for ballot in Ballot.objects.filter(nomination=nomination).order_by("sequence"):
        if ballot.previous_hash != previous or ballot.compute_hash() != ballot.entry_hash:
            raise NominationError(
                f"The ledger of nomination #{nomination.pk} is broken at ballot {ballot.sequence}."
            )
        latest[ballot.voter_id] = ballot.choice
        previous = ballot.entry_hash
    electors = dict(Elector.objects.filter(nomination=nomination).values_list("user", "recused"))
    strays = {voter for voter in latest if electors.get(voter, True)}
    if strays:
        raise NominationError(
            f"The ledger of nomination #{nomination.pk} holds ballots from outside the electorate."
        )
    if nomination.policy.get("counts_recused", False):
        electorate = len(electors)
    else:
        electorate = sum(1 for recused in electors.values() if not recused)
    choices = list(latest.values())
    count = voting_rules.Count(
        electorate=electorate,
        approve=choices.count(BallotChoice.APPROVE),
        decline=choices.count(BallotChoice.DECLINE),
        abstain=choices.count(BallotChoice.ABSTAIN),
    )
    return count, previous


# Reaching the people a nomination names ---------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """Whether someone the nomination names can be reached: an account here (their inbox), a
    verified email address, both or neither."""

    role: str
    name: str
    has_account: bool
    has_email: bool

    @property
    def reach(self) -> str:
        if self.has_account and self.has_email:
            return "account and verified email"
        if self.has_account:
            return "account, no email"
        if self.has_email:
            return "email only, no account"
        return "neither account nor email"


def contacts_of(nomination: Nomination) -> list[Contact]:
    """The nominee and each nominator, as the core maintainers see them. Two queries."""
    nominee = Person.objects.select_related("user").get(pk=nomination.nominee_id)
    contacts = [
        Contact(
            "nominee",
            nominee.full_name,
            has_account=nominee.user_id is not None,
            has_email=bool((nominee.user.email if nominee.user else "") or nominee.email),
        )
    ]
    for user in nomination.nominators.select_related("person").order_by("username"):
        name = str(user.person) if hasattr(user, "person") else user.get_username()
        contacts.append(Contact("nominator", name, has_account=True, has_email=bool(user.email)))
    return contacts


def feedback_read_at(feedback: Feedback, user) -> datetime.datetime | None:
    """When `user` said they had read `feedback`, or None. One query."""
    return (
        FeedbackRead.objects.filter(feedback=feedback, reader=user)
        .values_list("first_read_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Delivery:
    reader: str
    channel: str
    delivered_at: datetime.datetime | None
    first_read_at: datetime.datetime | None


def feedback_deliveries(nomination: Nomination, feedback: Feedback | None) -> list[Delivery]:
    """How the released feedback reached each reader (inbox, email, an invitation, or another
    way a core maintainer recorded), when, and when each first read it. Three queries."""
    if feedback is None or feedback.released_at is None:
        return []
    event_key = f"nomination-feedback:{nomination.pk}"
    reads = dict(feedback.reads.values_list("reader_id", "first_read_at"))
    deliveries = [
        Delivery(
            note.recipient.get_username(),
            note.get_channel_display(),
            note.sent_at,
            # Read: said so on the feedback page, or else marked read in the inbox.
            reads.get(note.recipient_id) or note.read_at,
        )
        for note in Notification.objects.filter(event_key=event_key)
        .select_related("recipient")
        .order_by("recipient__username", "channel")
    ]
    nominee = nomination.nominee
    for invitation in Invitation.objects.filter(event_key=event_key, person_id=nominee.pk):
        deliveries.append(
            Delivery(
                nominee.full_name,
                "Invitation email",
                invitation.sent_at,
                invitation.accepted_at,
            )
        )
    if feedback.other_channel:
        deliveries.append(
            Delivery(
                nominee.full_name,
                f"Another way: {feedback.other_channel}",
                feedback.released_at,
                None,
            )
        )
    return deliveries
