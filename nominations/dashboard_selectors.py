"""Reads for the nomination lists: the core maintainers' dashboard and its whole lists, and
everyone else's dashboard, each a fixed number of queries whatever the data size."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from governance import permissions
from governance.compiled_queries import ID_MARKS, CompiledQuery
from governance.models import Module, Person, Role
from governance.templatetags.governance_tags import duration_left
from nominations.models import (
    KIND_LABELS,
    PROPOSAL_KINDS,
    Elector,
    Feedback,
    Nomination,
    NominationRequest,
    NominationStatus,
    Outcome,
    Proposal,
    role_title,
)

RECENT = datetime.timedelta(days=120)
LIST_LIMIT = 50


def with_people(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
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
# than the database took to run it. So the lists are compiled once per process
# (governance.compiled_queries) into one statement (one round trip), run with the viewer's id
# and the start of the recent window. The requests list is not: who may triage is asked of the
# policy as its query is built.
NOMINATION_LISTS = tuple(slug for slug, section in SECTIONS.items() if not section.of_requests)
_SINCE_MARK = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def _first_rows(viewer_id: int, since: datetime.datetime) -> tuple[QuerySet, ...]:
    return tuple(
        SECTIONS[slug].rows(User(pk=viewer_id), since + RECENT)[: DASHBOARD_ROWS + 1]
        for slug in NOMINATION_LISTS
    )


_FIRST_ROWS = CompiledQuery(_first_rows, ID_MARKS[0], _SINCE_MARK)


def first_rows_of_lists(user, now: datetime.datetime) -> dict[str, list[dict]]:
    """The first rows of each nomination list (one more than the dashboard shows), as
    `_listed` values, by the list's slug: one query, compiled once per process."""
    names = _FIRST_ROWS.names()
    parts = _FIRST_ROWS.rows(user.pk, now - RECENT)
    return {
        slug: [dict(zip(names, row, strict=True)) for row in rows]
        for slug, rows in zip(NOMINATION_LISTS, parts, strict=True)
    }


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
        first_rows = first_rows_of_lists(user, now)
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
