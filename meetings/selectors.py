"""Reads that meeting pages need, each a fixed number of queries whatever the data size.

Public reads go to `MinutesVersion` only (plus the public schedule of upcoming meetings); the
working copy is read for core maintainers' pages and for composing a version.
"""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import Expression
from django.db.models.functions import Lower
from django.utils import timezone

from governance.integration_selectors import forum_topic_annotations
from governance.models import Person
from governance.selectors import core_maintainer_users
from meetings.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingDecision,
    MinutesVersion,
    Review,
    ReviewRound,
)
from meetings.review_rules import ReviewState, review_state
from meetings.snippets import query_terms
from nominations.models import Nomination

SEARCH_LIMIT = 50
FEED_LIMIT = 50


# Public: published versions -------------------------------------------------------------------


def latest_versions() -> QuerySet[MinutesVersion]:
    """The latest version of each published meeting that is not retracted, newest meeting
    first: what lists, the calendar, the search and the exports show. One query.

    "No later version exists" rather than "number equals the highest number": PostgreSQL
    plans the first as an anti-join and estimates its rows, while it guessed the second matched
    a handful of rows and joined the meetings by nested loop (100 ms at the bench scale)."""
    later = MinutesVersion.objects.filter(
        meeting=OuterRef("meeting"), number__gt=OuterRef("number"), retracted_at__isnull=True
    )
    return (
        MinutesVersion.objects.filter(~Exists(later), retracted_at__isnull=True)
        .annotate(slug=F("meeting__slug"), meeting_kind=F("meeting__kind"))
        .order_by("-starts_at", "-pk")
    )


def versions_of(slug: str) -> list[MinutesVersion]:
    """Every version of one meeting, latest first, retracted ones too (they read as the notice
    of their retraction), each with the meeting's forum topic address (`forum_topic_url`, None
    without one); empty if it has none. One query."""
    forum = forum_topic_annotations("minutes", "meeting_id")
    return list(
        MinutesVersion.objects.filter(meeting__slug=slug)
        .annotate(slug=F("meeting__slug"), forum_topic_url=forum["forum_topic_url"])
        .order_by("-number")
    )


def current_version(versions: list[MinutesVersion]) -> MinutesVersion:
    """What the meeting's page shows, of `versions` (latest first): the latest not retracted,
    or with every one retracted, the latest, which reads as the notice of its retraction."""
    return next((version for version in versions if not version.is_retracted), versions[0])


def versions_by_slugs(slugs: list[str]) -> list[MinutesVersion]:
    """The latest version of each named meeting. One query."""
    return list(latest_versions().filter(meeting__slug__in=slugs))


def versions_for_feed() -> QuerySet[MinutesVersion]:
    """Every version not retracted, newest publication first, so a correction shows up as an
    entry and a retracted version leaves the feed."""
    return (
        MinutesVersion.objects.filter(retracted_at__isnull=True)
        .annotate(slug=F("meeting__slug"))
        .defer("markdown")
        .order_by("-published_at", "-pk")[:FEED_LIMIT]
    )


def calendar_meetings() -> tuple[list[MinutesVersion], list[Meeting]]:
    """Past meetings from their published versions, and upcoming meetings from their public
    schedule (title, time, kind, announcement link). Two queries."""
    published = list(
        latest_versions()
        .annotate(duration_minutes=F("meeting__duration_minutes"))
        .defer("markdown", "html")
    )
    upcoming = list(
        Meeting.objects.filter(starts_at__gte=timezone.now(), versions__isnull=True)
        .only("pk", "title", "slug", "starts_at", "duration_minutes", "announcement_url")
        .order_by("starts_at", "pk")
    )
    return published, upcoming


class StoredSearchDocument(Expression):
    """The `search_document` column that migration 0002 adds on PostgreSQL only, to the table
    of the queryset it is used in: a tsvector the database generates from the row, with a GIN
    index. No model declares it, so pages never load it and SQLite (which searches by
    substring) never needs it."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_document", []


def _matching(queryset: QuerySet, search: SearchQuery) -> QuerySet:
    return queryset.annotate(document=StoredSearchDocument()).filter(document=search).order_by()


def search_published(query: str) -> list[MinutesVersion]:
    """Latest published versions matching `query`: PostgreSQL full-text search (ranked), or
    every term as a case-insensitive substring elsewhere. One query."""
    versions = latest_versions().defer("html")
    if connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config="english")
        versions = (
            _matching(versions, search)
            .annotate(rank=SearchRank(StoredSearchDocument(), search))
            .order_by("-rank", "-starts_at")
        )
    else:
        for term in query_terms(query):
            versions = versions.filter(Q(title__icontains=term) | Q(markdown__icontains=term))
    return list(versions[:SEARCH_LIMIT])


# Private: the working copy --------------------------------------------------------------------


def _agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    nominations = Nomination.objects.select_related("nominee", "module", "announcement", "proposal")
    actions = ActionItem.objects.prefetch_related("owners").order_by("created_at", "pk")
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("order", "pk")
        .prefetch_related(
            "presenters",
            Prefetch("nominations", queryset=nominations),
            Prefetch("decisions", queryset=MeetingDecision.objects.order_by("created_at", "pk")),
            Prefetch("action_items", queryset=actions),
        )
    )


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with everything the minutes show, in six queries whatever its size: items,
    presenters, nominations (nominee, module, announcement, proposal), decisions, action items,
    owners."""
    return list(_agenda(meeting))


def meeting_for_workspace(slug: str) -> Meeting | None:
    """The meeting (annotated with its forum topic's state) with its attendees, review rounds
    (and reviews with reviewers), versions and carried-over action items (with owners and where
    they were raised). Seven queries."""
    rounds = ReviewRound.objects.select_related("submitted_by__person").prefetch_related(
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("reviewer__person").order_by(
                "reviewed_at", "pk"
            ),
        )
    )
    carried = ActionItem.objects.select_related("agenda_item__meeting").prefetch_related("owners")
    return (
        Meeting.objects.filter(slug=slug)
        .annotate(**forum_topic_annotations("minutes"))
        .select_related("attendance")  # joined: the imported attendance costs no query
        .prefetch_related(
            "attendees",
            Prefetch("review_rounds", queryset=rounds.order_by("-number")),
            Prefetch(
                "versions",
                queryset=MinutesVersion.objects.select_related("retracted_by__person")
                .defer("markdown", "html")
                .order_by("-number"),
            ),
            Prefetch("carried_action_items", queryset=carried.order_by("created_at", "pk")),
        )
        .first()
    )


def version_to_retract(slug: str, number: int) -> MinutesVersion | None:
    """One version of a meeting, with the meeting and whoever retracted it. One query."""
    return (
        MinutesVersion.objects.filter(meeting__slug=slug, number=number)
        .select_related("meeting", "retracted_by__person")
        .defer("markdown", "html")
        .first()
    )


def meeting_by_slug(slug: str) -> Meeting | None:
    return Meeting.objects.filter(slug=slug).first()


def agenda_item(meeting: Meeting, pk: int) -> AgendaItem | None:
    """One item of the meeting, loaded like `agenda_items`."""
    return _agenda(meeting).filter(pk=pk).first()


def decision_of(meeting: Meeting, pk: int) -> MeetingDecision | None:
    return MeetingDecision.objects.filter(pk=pk, agenda_item__meeting=meeting).first()


def action_item_with_meeting(pk: int) -> ActionItem | None:
    return ActionItem.objects.filter(pk=pk).select_related("agenda_item__meeting").first()


def review_state_of(review_round: ReviewRound) -> ReviewState:
    """Where the round stands under the review policy, read from its reviews (prefetched or one
    query) and the core maintainers (one query)."""
    return review_state(
        reviews=review_round.reviews.all(),
        core_user_ids={user.pk for user in core_maintainer_users()},
        closes_at=review_round.closes_at,
        now=timezone.now(),
    )


def meetings_for_manage() -> QuerySet[Meeting]:
    """Every meeting with its item and version counts, newest first. One query."""
    return Meeting.objects.annotate(
        item_count=Count("agenda_items", distinct=True),
        version_count=Count("versions", distinct=True),
    ).order_by("-starts_at", "-pk")


def action_items_owned_by(user) -> QuerySet[ActionItem]:
    """The user's action items, open ones first, with their meeting and owners. Two queries."""
    return (
        ActionItem.objects.filter(owners__user=user)
        .select_related("agenda_item__meeting")
        .prefetch_related("owners")
        .distinct()
        .order_by("status", F("due_on").asc(nulls_last=True), "created_at", "pk")
    )


def search_private(query: str) -> list[AgendaItem]:
    """Agenda items whose title, notes, summary, decisions or action items match, for core
    maintainers. One query."""
    items = AgendaItem.objects.select_related("meeting")
    if connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config="english")
        # One index scan per table, united; an OR across the tables would scan every item.
        matches = (
            _matching(AgendaItem.objects.all(), search)
            .values("pk")
            .union(
                _matching(MeetingDecision.objects.all(), search).values("agenda_item"),
                _matching(ActionItem.objects.all(), search).values("agenda_item"),
            )
        )
        items = (
            items.filter(pk__in=matches)
            .annotate(rank=SearchRank(StoredSearchDocument(), search))
            .order_by("-rank", "-meeting__starts_at", "order")
        )
    else:
        for term in query_terms(query):
            decisions = MeetingDecision.objects.filter(
                agenda_item=OuterRef("pk"), text__icontains=term
            )
            actions = ActionItem.objects.filter(agenda_item=OuterRef("pk"), text__icontains=term)
            items = items.filter(
                Q(title__icontains=term)
                | Q(notes__icontains=term)
                | Q(public_summary__icontains=term)
                | Exists(decisions)
                | Exists(actions)
            )
        items = items.order_by("-meeting__starts_at", "order")
    return list(items[:SEARCH_LIMIT])


# Importing minutes ----------------------------------------------------------------------------


def people_named(names: Iterable[str]) -> dict[str, Person]:
    """The person each name or @handle stands for, when one does: a GitHub handle, with or
    without its "@", or a full name, case-insensitively. Ambiguous names match no one. One
    query."""
    keys = {name: name.strip().removeprefix("@").casefold() for name in names}
    if not keys:
        return {}
    people = Person.objects.annotate(
        handle_key=Lower("github"), name_key=Lower("full_name")
    ).filter(Q(handle_key__in=set(keys.values())) | Q(name_key__in=set(keys.values())))
    by_key: dict[str, list[Person]] = {}
    for person in people:
        for key in {person.handle_key, person.name_key}:
            by_key.setdefault(key, []).append(person)
    return {name: by_key[key][0] for name, key in keys.items() if len(by_key.get(key, ())) == 1}
