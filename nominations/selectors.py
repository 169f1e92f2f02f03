"""Reads for the nomination pages, each a fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from governance import permissions
from nominations.models import (
    Announcement,
    Ballot,
    Elector,
    EvidenceEntry,
    Feedback,
    Nomination,
    NominationRequest,
    RequestStatus,
    Status,
)

RECENT = datetime.timedelta(days=120)
LIST_LIMIT = 50


def _with_people(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related("nominee", "module", "ending_role", "ending_role__module")


def _listed(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """What a dashboard list shows of each nomination (nominations/_list.html): its nominee's
    name, its role title, its status and outcome, the time left to vote. A dashboard lists a few
    hundred; loading every column of four joined tables (JSON policies and path patterns,
    rationales, descriptions) cost more than rendering them."""
    return queryset.select_related("nominee", "module", "ending_role").only(
        "nominee__full_name",
        "module__name",
        "ending_role__kind",
        "kind",
        "status",
        "outcome",
        "voting_deadline",
    )


@dataclass
class Dashboard:
    awaiting_vote: list[Nomination] = field(default_factory=list)
    voting: list[Nomination] = field(default_factory=list)
    gathering_evidence: list[Nomination] = field(default_factory=list)
    awaiting_decision: list[Nomination] = field(default_factory=list)
    recently_decided: list[Nomination] = field(default_factory=list)
    pending_requests: list[NominationRequest] = field(default_factory=list)
    invited: list[Nomination] = field(default_factory=list)
    my_requests: list[NominationRequest] = field(default_factory=list)
    nominated_by_me: list[Nomination] = field(default_factory=list)
    my_feedback: list[Nomination] = field(default_factory=list)


def dashboard_for(user) -> Dashboard:
    """What a signed-in user has to do or may read. Core maintainers: 6 queries; everyone
    else: 4 (plus the role lookup each page makes once)."""
    board = Dashboard()
    if permissions.can_manage_nominations(user):
        # A core maintainer who is nominated (say, for a move to emeritus) does not see it here.
        theirs = Nomination.objects.exclude(nominee__user=user)
        live_ballot = Ballot.objects.filter(
            nomination=OuterRef("pk"), voter=user, superseded_at__isnull=True
        )
        elector = Elector.objects.filter(nomination=OuterRef("pk"), user=user, recused=False)
        voting = _listed(theirs.filter(status=Status.VOTING)).annotate(
            i_voted=Exists(live_ballot), i_vote=Exists(elector)
        )
        for nomination in voting.order_by("voting_deadline", "pk")[:LIST_LIMIT]:
            nomination.time_left = nomination.voting_deadline - timezone.now()
            if nomination.i_vote and not nomination.i_voted:
                board.awaiting_vote.append(nomination)
            else:
                board.voting.append(nomination)
        board.gathering_evidence = list(
            _listed(theirs.filter(status__in=[Status.DRAFT, Status.OPEN])).order_by(
                "-updated_at", "-pk"
            )[:LIST_LIMIT]
        )
        board.awaiting_decision = list(
            _listed(theirs.filter(status=Status.CLOSED)).order_by("voting_closed_at", "pk")[
                :LIST_LIMIT
            ]
        )
        board.recently_decided = list(
            _listed(
                theirs.filter(
                    status__in=[Status.DECIDED, Status.WITHDRAWN],
                    updated_at__gte=timezone.now() - RECENT,
                )
            ).order_by("-updated_at", "-pk")[:LIST_LIMIT]
        )
        board.pending_requests = list(
            NominationRequest.objects.filter(status=RequestStatus.PENDING)
            .select_related("requester", "module")
            .order_by("created_at", "pk")[:LIST_LIMIT]
        )
        return board
    board.invited = list(
        _listed(
            permissions.nominations_invited_to(
                user, Nomination.objects.exclude(status=Status.WITHDRAWN)
            )
        ).order_by("-updated_at", "-pk")[:LIST_LIMIT]
    )
    board.my_requests = list(
        NominationRequest.objects.filter(requester=user)
        .select_related("module")
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    board.nominated_by_me = list(
        _listed(Nomination.objects.filter(nominators=user)).order_by("-created_at", "-pk")[
            :LIST_LIMIT
        ]
    )
    released = Feedback.objects.filter(nomination=OuterRef("pk"), released_at__isnull=False)
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
    return board


def nomination_for_page(pk: int) -> Nomination | None:
    """The nomination with everything its page shows, in five queries whatever the thread
    size: the nomination with its one-to-one parts, nominators, evidence with authors and
    revision counts, electors, and live ballots."""
    evidence = EvidenceEntry.objects.select_related("author").annotate(
        revision_count=Count("revisions")
    )
    return (
        _with_people(Nomination.objects.filter(pk=pk))
        .select_related(
            "tally",
            "decision",
            "decision__decided_by",
            "feedback",
            "announcement",
            "request",
            "request__requester",
        )
        .prefetch_related(
            "nominators",
            Prefetch("evidence", queryset=evidence.order_by("created_at", "pk")),
            Prefetch("electors", queryset=Elector.objects.select_related("user")),
            Prefetch(
                "ballots",
                queryset=Ballot.objects.filter(superseded_at__isnull=True)
                .select_related("voter")
                .order_by("sequence"),
                to_attr="live_ballots",
            ),
        )
        .first()
    )


def announcements_public() -> QuerySet[Announcement]:
    """Released announcements only: a declined or unannounced nomination never shows here."""
    return (
        Announcement.objects.filter(released_at__isnull=False)
        .select_related("nomination__nominee", "nomination__module")
        .order_by("-released_at", "-pk")
    )


def evidence_entry(pk: int) -> EvidenceEntry | None:
    return (
        EvidenceEntry.objects.filter(pk=pk)
        .select_related("nomination", "nomination__nominee", "author")
        .prefetch_related("revisions__replaced_by")
        .first()
    )


def request_for_triage(pk: int) -> NominationRequest | None:
    return NominationRequest.objects.filter(pk=pk).select_related("requester", "module").first()


def votes_past_deadline() -> list[int]:
    """The votes the beat scan closes, by the status-and-deadline index."""
    return list(
        Nomination.objects.filter(status=Status.VOTING, voting_deadline__lte=timezone.now())
        .order_by("voting_deadline", "pk")
        .values_list("pk", flat=True)
    )
