"""Reads for the nomination pages, each a fixed number of queries whatever the data size."""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import User
from django.db import connection, connections
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from governance import permissions
from governance.integration_selectors import forum_topic_annotations
from governance.models import Invitation, Module, Notification, Person, Role
from governance.templatetags.governance_tags import duration_left
from nominations import voting_rules
from nominations.errors import NominationError
from nominations.models import (
    GENESIS_HASH,
    KIND_LABELS,
    PROPOSAL_KINDS,
    Announcement,
    Ballot,
    BallotChoice,
    Criterion,
    Elector,
    EvidenceEntry,
    Feedback,
    FeedbackRead,
    Nomination,
    NominationDecision,
    NominationRequest,
    NominationStatus,
    Outcome,
    Proposal,
    Tally,
    role_title,
)

RECENT = datetime.timedelta(days=120)
LIST_LIMIT = 50


def _with_people(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related("nominee", "module", "ending_role", "ending_role__module")


def _column(model, name: str, **lookup) -> Subquery:
    """One column of the row `lookup` finds by a unique key (no ordering: at most one row)."""
    return Subquery(model.objects.filter(**lookup).order_by().values(name))


def _listed(queryset: QuerySet[Nomination]) -> QuerySet:
    """What a dashboard list shows of each nomination (`listed_rows`), as plain values: its
    kind, status, outcome and deadline, and the names it is listed by. The names are
    subqueries, which PostgreSQL runs only for the rows a list keeps (after its LIMIT): joins
    were planned and hashed for every candidate row, and cost more than the lists."""
    return queryset.annotate(
        nominee_name=_column(Person, "full_name", pk=OuterRef("nominee_id")),
        module_name=_column(Module, "name", pk=OuterRef("module_id")),
        ending_role_kind=_column(Role, "kind", pk=OuterRef("ending_role_id")),
        proposal_title=_column(Proposal, "title", vote=OuterRef("pk")),
    ).values(*LISTED_VALUES)


LISTED_VALUES = (
    "pk",
    "kind",
    "status",
    "outcome",
    "voting_deadline",
    "nominee_name",
    "module_name",
    "ending_role_kind",
    "proposal_title",
)


@dataclass(frozen=True)
class ListedRow:
    """One line of a nomination list (nominations/_list.html, through the `listed_lines` tag),
    every string ready to print. No `url`, no link; no `badge`, nothing said of where it
    stands."""

    pk: int
    url: str
    name: str
    role: str
    badge: str = ""
    time_left: str = ""


class _UrlOf:
    """A page's URL for any pk, reversed once per list rather than once per row: only the pk
    changes from row to row."""

    SENTINEL = 2_147_483_647

    def __init__(self, name: str):
        self.head, self.tail = reverse(name, args=[self.SENTINEL]).split(str(self.SENTINEL))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def listed_rows(
    values, *, badge: Callable[[dict], str] | None = None, page: str = "nominations:detail"
) -> list[ListedRow]:
    """`_listed` values as the lines of a list: each nomination links to `page` (a proposal to
    its own page), says where it stands as `badge` tells, and an open vote its time left."""
    nomination_url, proposal_url = _UrlOf(page), _UrlOf("nominations:proposal")
    now = timezone.now()
    rows = []
    for row in values:
        kind = KIND_LABELS[row["kind"]]
        if row["kind"] in PROPOSAL_KINDS:
            url, name, role = (
                proposal_url(row["pk"]),
                row["proposal_title"],
                f"Proposal: {kind.lower()}",
            )
        else:
            url, name = nomination_url(row["pk"]), row["nominee_name"]
            role = role_title(kind, row["module_name"], row["ending_role_kind"])
        time_left = ""
        if row["status"] == NominationStatus.VOTING:
            time_left = f"{duration_left(row['voting_deadline'] - now)} left"
        rows.append(ListedRow(row["pk"], url, name, role, badge(row) if badge else "", time_left))
    return rows


def core_rows(values) -> list[ListedRow]:
    """The core maintainers' lists, who may know every status and outcome."""
    return listed_rows(values, badge=status_label)


# Core maintainers' dashboard: each list shows its first rows and links to all of them, a page
# at a time, so the dashboard costs the same however many nominations a large project has in
# flight, and no row is out of reach.
DASHBOARD_ROWS = 10
SECTION_PAGE_ROWS = 50


@dataclass(frozen=True)
class Section:
    """One of the core maintainers' lists; `rows(user, now)` is every row, in the list's
    order."""

    slug: str
    title: str
    empty: str
    rows: Callable[..., QuerySet]
    of_requests: bool = False

    def shown(self, rows: list) -> list:
        """Rows of this list as its template takes them."""
        return rows if self.of_requests else core_rows(rows)


@dataclass
class SectionRows:
    section: Section
    rows: list
    more: bool


def _theirs(user) -> QuerySet[Nomination]:
    # A core maintainer who is nominated (say, for a move to emeritus) does not see it here.
    return Nomination.objects.exclude(nominee__in=Person.objects.filter(user=user).values("pk"))


def _in_voting(user, *, awaiting: bool) -> QuerySet:
    """Votes in progress that await the viewer's vote (their elector row's `awaiting_vote`:
    not recused, no live ballot), or all the others (voted, recused, or no elector). The
    flag's partial index holds only the votes awaited, so neither list reads more rows as the
    ledger grows."""
    awaited = Exists(
        Elector.objects.filter(nomination=OuterRef("pk"), user=user, awaiting_vote=True)
    )
    return _listed(
        _theirs(user)
        .filter(status=NominationStatus.VOTING)
        .filter(awaited if awaiting else ~awaited)
        .order_by("voting_deadline", "pk")
    )


SECTIONS = {
    section.slug: section
    for section in (
        Section(
            "awaiting",
            "Awaiting my vote",
            "Nothing is waiting for your vote.",
            lambda user, now: _in_voting(user, awaiting=True),
        ),
        Section(
            "voting",
            "Voting, already voted or recused",
            "No other votes are open.",
            lambda user, now: _in_voting(user, awaiting=False),
        ),
        Section(
            "evidence",
            "Open for evidence and drafts",
            "No nominations are gathering evidence.",
            lambda user, now: _listed(
                _theirs(user).filter(status__in=[NominationStatus.DRAFT, NominationStatus.OPEN])
            ).order_by("-updated_at", "-pk"),
        ),
        Section(
            "decision",
            "Awaiting a decision",
            "No closed vote is waiting for a decision.",
            lambda user, now: _listed(
                _theirs(user).filter(status=NominationStatus.CLOSED)
            ).order_by("voting_closed_at", "pk"),
        ),
        Section(
            "requests",
            "Requests to triage",
            "No requests are waiting.",
            lambda user, now: (
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
            lambda user, now: _listed(
                _theirs(user).filter(
                    status__in=[NominationStatus.DECIDED, NominationStatus.WITHDRAWN],
                    updated_at__gte=now - RECENT,
                )
            ).order_by("-updated_at", "-pk"),
        ),
    )
}


def status_label(row: dict) -> str:
    """Where a nomination (`_listed` values) stands, for a reader who may know its status and
    outcome."""
    if row["status"] == NominationStatus.DECIDED and row["outcome"]:
        return f"Decided: {Outcome(row['outcome']).label.lower()}"
    return NominationStatus(row["status"]).label


def nominator_label(row: dict) -> str:
    """Where a nomination stands, for one of its nominators (`feedback_released` annotated):
    its outcome once the feedback tells them, and no more than "decided" before."""
    if row["status"] == NominationStatus.WITHDRAWN:
        return "Withdrawn"
    if row["status"] != NominationStatus.DECIDED:
        return "In progress"
    if permissions.nominator_knows_outcome(feedback_released=row["feedback_released"]):
        return Outcome(row["outcome"]).label
    return "Decided; the feedback is on its way"


# The nomination lists' first rows are the same query for every core maintainer but for the
# viewer's id and the clock; building and compiling it through the ORM cost the dashboard more
# than the database took to run it. So the lists are compiled once per process, with marks
# where those two values go, into one statement (one round trip), and run with the viewer's.
# The requests list is not: who may triage is asked of the policy as its query is built.
_VIEWER_MARK = -1_000_000_007  # no account has a negative id
_NOW_MARK = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
NOMINATION_LISTS = tuple(slug for slug, section in SECTIONS.items() if not section.of_requests)


@dataclass(frozen=True)
class _CompiledLists:
    sql: str
    params: tuple
    names: list[str]
    compiler: SQLCompiler  # the first list's: it converts the values of every list's rows
    viewer_at: list[int]
    since_at: list[int]


@functools.cache
def _compiled_lists(alias: str) -> _CompiledLists:
    since = connections[alias].ops.adapt_datetimefield_value(_NOW_MARK - RECENT)
    parts, params, compilers = [], [], []
    for position, slug in enumerate(NOMINATION_LISTS):
        rows = SECTIONS[slug].rows(User(pk=_VIEWER_MARK), _NOW_MARK)[: DASHBOARD_ROWS + 1]
        compiler = rows.query.get_compiler(using=alias)
        sql, list_params = compiler.as_sql()
        # Each list keeps its own order and limit inside its subquery; the last column says
        # which list a row is of.
        parts.append(f"SELECT list_{position}.*, {position} FROM ({sql}) list_{position}")
        params += list_params
        compilers.append(compiler)
        # Every list leaves out the viewer's own nominations, so names its viewer.
        assert _VIEWER_MARK in list_params, f"The {slug} list does not name its viewer."
    query = compilers[0].query
    return _CompiledLists(
        " UNION ALL ".join(parts),
        tuple(params),
        [*query.extra_select, *query.values_select, *query.annotation_select],
        compilers[0],
        [n for n, param in enumerate(params) if param == _VIEWER_MARK],
        [n for n, param in enumerate(params) if param == since],
    )


def _first_rows(user, now: datetime.datetime) -> dict[str, list[dict]]:
    """The first rows of each nomination list (one more than the dashboard shows), as
    `_listed` values, by the list's slug: one query, compiled once per process."""
    compiled = _compiled_lists(connection.alias)
    params = list(compiled.params)
    for n in compiled.viewer_at:
        params[n] = user.pk
    since = connection.ops.adapt_datetimefield_value(now - RECENT)
    for n in compiled.since_at:
        params[n] = since
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    lists = {slug: [] for slug in NOMINATION_LISTS}
    for *values, position in compiled.compiler.results_iter(results=[fetched]):
        lists[NOMINATION_LISTS[position]].append(dict(zip(compiled.names, values, strict=True)))
    return lists


@dataclass
class Dashboard:
    sections: list[SectionRows] = field(default_factory=list)
    invited: list[ListedRow] = field(default_factory=list)
    my_requests: list[NominationRequest] = field(default_factory=list)
    nominated_by_me: list[ListedRow] = field(default_factory=list)
    my_feedback: list[ListedRow] = field(default_factory=list)


def dashboard_for(user) -> Dashboard:
    """What a signed-in user has to do or may read. Core maintainers: one query for the
    nomination lists and one for the requests; everyone else: 4 (plus the role lookup each
    page makes once)."""
    board = Dashboard()
    if permissions.can_manage_nominations(user):
        now = timezone.now()
        first_rows = _first_rows(user, now)
        for slug, section in SECTIONS.items():
            if section.of_requests:
                rows = list(section.rows(user, now)[: DASHBOARD_ROWS + 1])
            else:
                rows = first_rows[slug]
            board.sections.append(
                SectionRows(
                    section,
                    section.shown(rows[:DASHBOARD_ROWS]),
                    more=len(rows) > DASHBOARD_ROWS,
                )
            )
        return board
    released = Feedback.objects.filter(nomination=OuterRef("pk"), released_at__isnull=False)
    board.invited = listed_rows(
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
    mine = list(
        _listed(Nomination.objects.filter(nominators=user))
        .annotate(feedback_released=Exists(released))
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    # A nominator reads the feedback once it is released; until then the row links nowhere.
    board.nominated_by_me = [
        row if released_to_me["feedback_released"] else replace(row, url="")
        for row, released_to_me in zip(
            listed_rows(mine, badge=nominator_label, page="nominations:feedback"),
            mine,
            strict=True,
        )
    ]
    # Two index lookups, united: an OR across the nominee and the nominators joins would read
    # every nomination.
    theirs = (
        Nomination.objects.filter(nominee__user=user)
        .order_by()
        .values("pk")
        .union(Nomination.nominators.through.objects.filter(user=user).values("nomination"))
    )
    # Released feedback tells its reader the outcome.
    board.my_feedback = listed_rows(
        _listed(Nomination.objects.filter(pk__in=theirs).filter(Exists(released))).order_by(
            "-updated_at", "-pk"
        )[:LIST_LIMIT],
        badge=status_label,
        page="nominations:feedback",
    )
    return board


def nomination_for_page(pk: int) -> Nomination | None:
    """The nomination with everything its page shows but the outcome (`outcome_of`), in five
    queries whatever the thread size: the nomination with its people (the nominee's account
    too), its nominators, and, as display rows, its evidence thread (`thread`), its electorate
    (`electorate`) and its live ballots (`live_ballots`)."""
    return _for_page(Nomination.objects.filter(pk=pk))


FORMER_MEMBER = "a former member"


def _name(username: str | None, full_name: str | None, github: str | None) -> str:
    """A user as the `person_name` filter names them, from a values row."""
    if username is None:
        return FORMER_MEMBER
    return Person.label(full_name, github) if full_name is not None else username


@dataclass(frozen=True)
class ThreadEntry:
    """An evidence entry as the page shows it. `nomination` and `author_id` are what
    `permissions.can_edit_evidence` asks."""

    pk: int
    nomination: Nomination
    author_id: int | None
    author_name: str
    criterion_label: str
    body_html: SafeString
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    revision_count: int


@dataclass(frozen=True)
class ElectorRow:
    user_id: int
    name: str
    recused: bool
    recusal_reason: str


@dataclass(frozen=True)
class LiveBallot:
    voter_id: int
    voter_name: str
    choice: str
    choice_label: str
    comment: str


def _thread(nomination: Nomination) -> list[ThreadEntry]:
    criteria = dict(Criterion.choices)
    rows = (
        EvidenceEntry.objects.filter(nomination=nomination)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "author_id",
            "author__username",
            "author__person__full_name",
            "author__person__github",
            "criterion",
            "body_html",
            "created_at",
            "edited_at",
        )
        .annotate(revision_count=Count("revisions"))
    )
    return [
        ThreadEntry(
            pk=pk,
            nomination=nomination,
            author_id=author_id,
            author_name=_name(username, full_name, github),
            criterion_label=criteria.get(criterion, criterion),
            body_html=mark_safe(body_html),
            created_at=created_at,
            edited_at=edited_at,
            revision_count=revisions,
        )
        for (
            pk,
            author_id,
            username,
            full_name,
            github,
            criterion,
            body_html,
            created_at,
            edited_at,
            revisions,
        ) in rows
    ]


def _electorate(nomination: Nomination) -> list[ElectorRow]:
    rows = (
        Elector.objects.filter(nomination=nomination)
        .order_by("pk")
        .values_list(
            "user_id",
            "user__username",
            "user__person__full_name",
            "user__person__github",
            "recused",
            "recusal_reason",
        )
    )
    return [
        ElectorRow(user_id, _name(username, full_name, github), recused, reason)
        for user_id, username, full_name, github, recused, reason in rows
    ]


def _live_ballots(nomination: Nomination, names: dict[int, str]) -> list[LiveBallot]:
    """Every voter is an elector, whose name `names` holds already."""
    choices = dict(BallotChoice.choices)
    rows = (
        Ballot.objects.filter(nomination=nomination, superseded_at__isnull=True)
        .order_by("sequence")
        .values_list("voter_id", "choice", "comment")
    )
    return [
        LiveBallot(voter_id, names.get(voter_id, FORMER_MEMBER), choice, choices[choice], comment)
        for voter_id, choice, comment in rows
    ]


def _for_page(queryset: QuerySet[Nomination]) -> Nomination | None:
    nomination = (
        _with_people(queryset)
        .select_related("nominee__user")
        .prefetch_related(Prefetch("nominators", queryset=User.objects.select_related("person")))
        .first()
    )
    if nomination is not None:
        nomination.thread = _thread(nomination)
        nomination.electorate = _electorate(nomination)
        names = {elector.user_id: elector.name for elector in nomination.electorate}
        nomination.live_ballots = _live_ballots(nomination, names)
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
    authors = {entry.author_id for entry in nomination.thread}
    invited = [
        InvitedMaintainer(
            str(getattr(user, "person", None) or user.get_username()), user.pk in authors
        )
        for user in users
    ]
    return sorted(invited, key=lambda invitation: invitation.name.casefold())


@dataclass(frozen=True)
class VoteOutcome:
    """What the vote left, with its announcement's forum topic (`forum_topic_annotations`'
    names, so that `forum_state` reads it): the topic exists only once the announcement does."""

    tally: Tally | None = None
    decision: NominationDecision | None = None
    feedback: Feedback | None = None
    announcement: Announcement | None = None
    forum_topic_pk: int | None = None
    forum_topic_url: str | None = None
    forum_topic_error: str | None = None


OUTCOME_PARTS = ("tally", "decision", "feedback", "announcement")


def outcome_of(nomination: Nomination) -> VoteOutcome:
    """What the vote left behind. None of it exists before the close, so an open nomination's
    page asks nothing more, and a closed one's a query. Joined into the page's main query, these
    made PostgreSQL plan eleven joins on every view of every nomination."""
    if nomination.voting_closed_at is None:
        return VoteOutcome()
    topic = forum_topic_annotations("announcement")
    parts = (
        Nomination.objects.filter(pk=nomination.pk)
        .select_related(*OUTCOME_PARTS, "decision__decided_by__person")
        .annotate(**topic)
        .get()
    )
    return VoteOutcome(
        **{part: getattr(parts, part, None) for part in OUTCOME_PARTS},
        **{name: getattr(parts, name) for name in topic},
    )


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
    """The nominee and each nominator, as the core maintainers see them, from what
    `nomination_for_page` loaded: no query."""
    nominee = nomination.nominee
    contacts = [
        Contact(
            "nominee",
            nominee.full_name,
            has_account=nominee.user_id is not None,
            has_email=bool((nominee.user.email if nominee.user else "") or nominee.email),
        )
    ]
    for user in sorted(nomination.nominators.all(), key=lambda user: user.get_username()):
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
