"""The benchmark data set: a large project's years of roster, nominations and meetings.

It lives in `bench`, outside the installed apps, so production carries no benchmark code; it fills
every app (governance, nominations, meetings). It writes rows in bulk, bypassing the
services on purpose: a service call per row would take hours at this size, and the rows it writes
keep every invariant the services keep (constraints, hash chains, frozen electorates, the vote
grants of open votes), so `manage.py recount` passes and votes can be cast through the services.

Everything comes from one `random.Random(seed)`; times are offsets from an anchor day, so the same
seed and anchor give the same rows.
"""

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, models, transaction
from django.utils import timezone

from governance.markdown import render_markdown
from governance.models import (
    Module,
    ModuleGroup,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
)
from meetings import selectors
from meetings.minutes import compose_public
from meetings.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    DecisionOutcome,
    Meeting,
    MeetingDecision,
    MeetingStatus,
    MinutesVersion,
    ReviewRound,
    RoundOutcome,
    Visibility,
)
from nominations.models import (
    GENESIS_HASH,
    Announcement,
    Ballot,
    BallotChoice,
    Criterion,
    Elector,
    EvidenceEntry,
    Feedback,
    Nomination,
    NominationDecision,
    NominationKind,
    NominationStatus,
    NominationUserObjectPermission,
    Outcome,
    Tally,
)
from nominations.voting_rules import DEFAULT_RULES, Count, quorum_met, threshold_met

BATCH_SIZE = 2_000
# Nominations are written this many at a time with their evidence, electors and ballots, so the
# generator never holds the whole ledger in memory.
NOMINATION_CHUNK = 500
# Each meeting's agenda is about one theme, so a search for a theme finds a few dozen meetings,
# as a real search would, and not every meeting in the archive.
MEETING_THEMES = (
    "compilers",
    "distributed",
    "quantization",
    "sparsity",
    "autograd",
    "profiling",
    "mobile",
    "serialization",
    "dataloading",
    "tensorboard",
    "onnx",
    "vulkan",
    "metal",
    "rocm",
    "xla",
    "jit",
    "fx",
    "dynamo",
    "inductor",
    "export",
    "nested",
    "complex",
    "linalg",
    "fft",
    "benchmarks",
    "docs",
    "releases",
    "infra",
    "security",
    "community",
)
BENCH_PASSWORD_HASH = "!bench-unusable"  # starts with "!": Django treats it as no password


@dataclass(frozen=True)
class Sizes:
    modules: int
    people: int
    core_maintainers: int
    nominations: int
    evidence: int
    ballots: int
    meetings: int
    agenda_items: int
    action_items: int
    notifications: int

    @classmethod
    def at_scale(cls, scale: float) -> "Sizes":
        def n(base: int, minimum: int) -> int:
            return max(minimum, round(base * scale))

        return cls(
            modules=n(300, 3),
            people=n(5_000, 60),
            core_maintainers=n(40, 5),
            nominations=n(10_000, 20),
            evidence=n(100_000, 200),
            ballots=n(200_000, 100),
            meetings=n(600, 6),
            agenda_items=n(8_000, 20),
            action_items=n(20_000, 40),
            notifications=n(20_000, 50),
        )


@dataclass
class Report:
    """Seconds spent and rows written per table."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def insert(self, model: type[models.Model], objects: list, label: str = "") -> list:
        name = label or model._meta.db_table
        started = time.perf_counter()
        created = model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        self.seconds[name] += time.perf_counter() - started
        self.rows[name] += len(objects)
        return created

    def timed(self, name: str, work: Callable[[], int]) -> None:
        started = time.perf_counter()
        self.rows[name] += work()
        self.seconds[name] += time.perf_counter() - started


def _spread(total: int, parts: int, rng: random.Random, low_share: float = 0.0) -> list[int]:
    """`total` split into `parts` random counts that add up to exactly `total`."""
    weights = [low_share + rng.random() for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    for index in rng.sample(range(parts), total - sum(counts)):
        counts[index] += 1
    return counts


class Generator:
    def __init__(self, *, sizes: Sizes, seed: int, anchor: datetime.datetime):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.report = Report()

    def at(self, days: float) -> datetime.datetime:
        return self.anchor + datetime.timedelta(days=days)

    def run(self) -> Report:
        with transaction.atomic():
            self.roster()
            self.nominations()
            self.meetings()
            self.notifications()
        return self.report

    # Roster -----------------------------------------------------------------------------------

    def roster(self) -> None:
        sizes, rng = self.sizes, self.rng
        User = get_user_model()
        users = self.report.insert(
            User,
            [
                User(
                    username=f"bench{n:05}",
                    email=f"bench{n:05}@example.org",
                    password=BENCH_PASSWORD_HASH,
                    date_joined=self.at(-3000),
                )
                for n in range(sizes.people)
            ],
        )
        affiliations = ["Meta", "NVIDIA", "AMD", "Intel", "Google", "Microsoft", "Independent"]
        self.people = self.report.insert(
            Person,
            [
                Person(
                    full_name=f"Bench Person {n:05}",
                    github=f"bench-{n:05}",
                    email=user.email,
                    affiliation=rng.choice(affiliations),
                    user=user,
                    created_at=self.at(-3000),
                )
                for n, user in enumerate(users)
            ],
        )
        self.modules = self.report.insert(
            Module,
            [
                Module(
                    name=f"Module {n:03}",
                    slug=f"module-{n:03}",
                    description=f"Everything under torch/area{n:03}.",
                    group=ModuleGroup.CORE if n % 10 else ModuleGroup.EXTERNAL,
                    includes=f"area{n:03}",
                    path_patterns=f"torch/area{n:03}/**",
                    created_at=self.at(-3000),
                )
                for n in range(sizes.modules)
            ],
        )
        # People 0..core-1 are the core team (person 0 the lead); module roles go to the next
        # few thousand, so nominees (drawn from everyone) are sometimes already maintainers.
        self.core_people = self.people[: sizes.core_maintainers]
        roles = [
            Role(
                person=person,
                kind=RoleKind.LEAD_CORE_MAINTAINER if n == 0 else RoleKind.CORE_MAINTAINER,
                started_on=self.at(-2000 + n).date(),
            )
            for n, person in enumerate(self.core_people)
        ]
        holders = self.people[sizes.core_maintainers :]
        for module_index, module in enumerate(self.modules):
            chosen = rng.sample(holders, min(len(holders), 8))
            for n, person in enumerate(chosen):
                started = self.at(-rng.randint(400, 2500)).date()
                kind = RoleKind.MODULE_MAINTAINER if n < 5 else RoleKind.MODULE_REVIEWER
                if n == 7 and module_index % 3 == 0:
                    roles.append(
                        Role(
                            person=person,
                            kind=kind,
                            module=module,
                            status=RoleStatus.EMERITUS,
                            started_on=started,
                            ended_on=started + datetime.timedelta(days=300),
                            end_reason="Moved on to other work.",
                        )
                    )
                else:
                    roles.append(Role(person=person, kind=kind, module=module, started_on=started))
        self.report.insert(Role, roles)
        self.core_users = [person.user for person in self.core_people]

    # Nominations ------------------------------------------------------------------------------

    def nomination_statuses(self) -> list[str]:
        """Mostly decided history; a few hundred live ones, as a busy quarter has."""
        count = self.sizes.nominations
        live = {
            NominationStatus.VOTING: max(4, count // 40),
            NominationStatus.OPEN: max(2, count // 100),
            NominationStatus.DRAFT: max(1, count // 200),
            NominationStatus.CLOSED: max(1, count // 200),
            NominationStatus.WITHDRAWN: max(1, count // 100),
        }
        statuses = [status for status, n in live.items() for _ in range(n)]
        statuses += [NominationStatus.DECIDED] * (count - len(statuses))
        self.rng.shuffle(statuses)
        return statuses

    def nominations(self) -> None:
        sizes, rng = self.sizes, self.rng
        statuses = self.nomination_statuses()
        evidence_counts = _spread(sizes.evidence, sizes.nominations, rng)
        voted = [
            i
            for i, s in enumerate(statuses)
            if s in (NominationStatus.VOTING, NominationStatus.CLOSED, NominationStatus.DECIDED)
        ]
        ballot_counts = dict(zip(voted, _spread(sizes.ballots, len(voted), rng), strict=True))
        # The benchmark's nomination page shows a vote with exactly 20 evidence entries.
        first_voting = statuses.index(NominationStatus.VOTING)
        evidence_counts[first_voting] = 20
        vote_permission = Permission.objects.get(
            content_type__app_label="nominations", codename="vote"
        )
        for start in range(0, sizes.nominations, NOMINATION_CHUNK):
            indexes = range(start, min(start + NOMINATION_CHUNK, sizes.nominations))
            self.nomination_chunk(
                indexes, statuses, evidence_counts, ballot_counts, vote_permission
            )

    def nomination_row(self, index: int, status: str) -> Nomination:
        sizes, rng = self.sizes, self.rng
        # Nominee and module follow the index, so no two live nominations share a role.
        nominee = self.people[
            sizes.core_maintainers + index % (sizes.people - sizes.core_maintainers)
        ]
        module = self.modules[(index + index // sizes.people) % sizes.modules]
        kind = NominationKind.MODULE_MAINTAINER if index % 3 else NominationKind.MODULE_REVIEWER
        created = self.at(-3 * (sizes.nominations - index) / max(1, sizes.nominations / 1000) - 30)
        nomination = Nomination(
            nominee=nominee,
            kind=kind,
            module=module,
            rationale=f"{nominee.full_name} has reviewed and triaged steadily in {module.name}.",
            status=status,
            created_by=self.core_users[index % len(self.core_users)],
            created_at=created,
            updated_at=created,
        )
        if status in (NominationStatus.VOTING, NominationStatus.CLOSED, NominationStatus.DECIDED):
            nomination.policy = DEFAULT_RULES[kind].frozen()
            if status == NominationStatus.VOTING:
                nomination.voting_opened_at = self.at(-rng.randint(1, 6))
                # At least a day and a half ahead of the anchor, so votes are open all day.
                nomination.voting_deadline = self.at(rng.uniform(1.5, 14))
            else:
                nomination.voting_opened_at = created + datetime.timedelta(days=7)
                nomination.voting_deadline = created + datetime.timedelta(days=14)
                nomination.voting_closed_at = nomination.voting_deadline
        if status == NominationStatus.WITHDRAWN:
            nomination.withdrawn_reason = "The nominee asked to wait a quarter."
        return nomination

    def nomination_chunk(self, indexes, statuses, evidence_counts, ballot_counts, vote_permission):
        rng = self.rng
        rows = [self.nomination_row(index, statuses[index]) for index in indexes]
        voting_rows = [
            (index, row)
            for index, row in zip(indexes, rows, strict=True)
            if row.status
            in (NominationStatus.VOTING, NominationStatus.CLOSED, NominationStatus.DECIDED)
        ]
        # Tallies and outcomes need the ledger, and the ledger needs nomination ids: pick each
        # outcome from the ballots before the rows go in, then set it.
        ledgers = {}
        for index, row in voting_rows:
            ledgers[index] = self.ledger_plan(ballot_counts[index])
            if row.status == NominationStatus.DECIDED:
                row.outcome = (
                    Outcome.ACCEPTED if ledgers[index][1] and index % 4 else Outcome.DECLINED
                )
        rows = self.report.insert(Nomination, rows)
        self.report.insert(
            Nomination.nominators.through,
            [
                Nomination.nominators.through(
                    nomination=row, user=self.core_users[(index + 1) % len(self.core_users)]
                )
                for index, row in zip(indexes, rows, strict=True)
            ],
            label="nominations_nomination_nominators",
        )
        evidence = []
        for index, row in zip(indexes, rows, strict=True):
            for n in range(evidence_counts[index]):
                entry = EvidenceEntry(
                    nomination=row,
                    author=self.core_users[(index + n) % len(self.core_users)],
                    criterion=rng.choice(Criterion.values),
                    created_at=row.created_at + datetime.timedelta(hours=n + 1),
                )
                entry.set_body(f"Evidence {n}: reviewed {rng.randint(5, 400)} pull requests.")
                evidence.append(entry)
        self.report.insert(EvidenceEntry, evidence)

        by_index = dict(zip(indexes, rows, strict=True))
        electors, ballots, tallies, grants = [], [], [], []
        decisions, feedback, announcements = [], [], []
        for index, _ in voting_rows:
            nomination = by_index[index]
            casts, _passes = ledgers[index]
            voted = {position for position, _ in casts}
            electors += [
                Elector(
                    nomination=nomination,
                    user=user,
                    awaiting_vote=nomination.status == NominationStatus.VOTING
                    and position not in voted,
                )
                for position, user in enumerate(self.core_users)
            ]
            chain = self.ballot_chain(nomination, casts)
            ballots += chain
            if nomination.status == NominationStatus.VOTING:
                grants += [
                    NominationUserObjectPermission(
                        permission=vote_permission, user=user, content_object=nomination
                    )
                    for user in self.core_users
                ]
                continue
            tallies.append(self.tally(nomination, chain))
            if nomination.status != NominationStatus.DECIDED:
                continue
            decided_at = nomination.voting_closed_at + datetime.timedelta(days=1)
            decisions.append(
                NominationDecision(
                    nomination=nomination,
                    outcome=nomination.outcome,
                    reasons="As the vote and the evidence showed.",
                    decided_by=self.core_users[0],
                    decided_at=decided_at,
                )
            )
            if nomination.outcome == Outcome.ACCEPTED:
                announcements.append(
                    Announcement(
                        nomination=nomination,
                        text=f"Welcome {nomination.nominee.full_name}, "
                        f"now a maintainer of {nomination.module.name}.",
                        released_at=decided_at,
                        released_by=self.core_users[0],
                    )
                )
            else:
                feedback.append(
                    Feedback(
                        nomination=nomination,
                        to_nominee="Thank you; more design reviews would help.",
                        to_nominators="Please nominate again after another quarter.",
                        drafted_by=self.core_users[0],
                        updated_at=decided_at,
                        released_at=decided_at,
                        released_by=self.core_users[0],
                    )
                )
        self.report.insert(Elector, electors)
        self.report.insert(Ballot, ballots)
        self.report.insert(NominationUserObjectPermission, grants)
        self.report.insert(Tally, tallies)
        self.report.insert(NominationDecision, decisions)
        self.report.insert(Feedback, feedback)
        self.report.insert(Announcement, announcements)

    def ledger_plan(self, count: int) -> tuple[list[tuple[int, str]], bool]:
        """`count` casts as (elector position, choice); a voter may change their mind, so the
        same position can come back. Also whether the latest casts pass a simple majority."""
        rng, electorate = self.rng, len(self.core_users)
        casts = []
        for n in range(count):
            voter = n % electorate if n < electorate else rng.randrange(electorate)
            choice = rng.choices(BallotChoice.values, weights=(6, 3, 1))[0]
            casts.append((voter, choice))
        latest = dict(casts)
        approve = sum(1 for choice in latest.values() if choice == BallotChoice.APPROVE)
        decline = sum(1 for choice in latest.values() if choice == BallotChoice.DECLINE)
        return casts, approve > decline

    def ballot_chain(self, nomination: Nomination, casts: list[tuple[int, str]]) -> list[Ballot]:
        previous = GENESIS_HASH
        live: dict[int, Ballot] = {}
        chain = []
        start = nomination.voting_opened_at
        for sequence, (position, choice) in enumerate(casts, start=1):
            ballot = Ballot(
                nomination=nomination,
                voter=self.core_users[position],
                sequence=sequence,
                choice=choice,
                comment="" if sequence % 5 else f"Cast {sequence}.",
                cast_at=start + datetime.timedelta(minutes=sequence),
                previous_hash=previous,
            )
            ballot.entry_hash = ballot.compute_hash()
            if position in live:
                live[position].superseded_at = ballot.cast_at
            live[position] = ballot
            previous = ballot.entry_hash
            chain.append(ballot)
        return chain

    def tally(self, nomination: Nomination, chain: list[Ballot]) -> Tally:
        latest = {ballot.voter_id: ballot.choice for ballot in chain}
        choices = list(latest.values())
        count = Count(
            electorate=len(self.core_users),
            approve=choices.count(BallotChoice.APPROVE),
            decline=choices.count(BallotChoice.DECLINE),
            abstain=choices.count(BallotChoice.ABSTAIN),
        )
        met = quorum_met(nomination.policy, count)
        return Tally(
            nomination=nomination,
            electorate=count.electorate,
            approve=count.approve,
            decline=count.decline,
            abstain=count.abstain,
            quorum_met=met,
            passed=met and threshold_met(nomination.policy, count),
            ledger_head=chain[-1].entry_hash if chain else GENESIS_HASH,
            closed_at=nomination.voting_closed_at,
        )

    # Meetings ---------------------------------------------------------------------------------

    def meetings(self) -> None:
        sizes, rng = self.sizes, self.rng
        upcoming = max(1, sizes.meetings // 15)
        past = sizes.meetings - upcoming
        meetings = []
        for n in range(sizes.meetings):
            # A meeting every week or so, going back years; the last few are still ahead.
            starts_at = self.at(7 * (n - past) + 0.6)
            meetings.append(
                Meeting(
                    title=f"Core maintainers meeting {starts_at:%Y-%m-%d} #{n}",
                    slug=f"core-maintainers-{starts_at:%Y-%m-%d}-{n}",
                    starts_at=starts_at,
                    announcement_url=f"https://dev-discuss.example.org/t/meeting-{n}",
                    status=MeetingStatus.PUBLISHED if n < past else MeetingStatus.DRAFT,
                    created_by=self.core_users[0],
                    created_at=starts_at - datetime.timedelta(days=14),
                    updated_at=starts_at,
                )
            )
        meetings = self.report.insert(Meeting, meetings)
        self.report.insert(
            Meeting.attendees.through,
            [
                Meeting.attendees.through(meeting=meeting, person=person)
                for meeting in meetings
                for person in rng.sample(self.core_people, min(len(self.core_people), 12))
            ],
            label="meetings_meeting_attendees",
        )
        item_counts = _spread(sizes.agenda_items, sizes.meetings, rng, low_share=0.5)
        items = []
        for n, (meeting, count) in enumerate(zip(meetings, item_counts, strict=True)):
            theme = MEETING_THEMES[n % len(MEETING_THEMES)]
            for order in range(1, count + 1):
                private = order % 9 == 0
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        order=order,
                        title=f"Topic {order}: {theme} module health",
                        notes=f"- Discussed the backlog of area {order}.\n"
                        f"- Feedback from [redact: names]Someone Private[/redact].",
                        visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
                    )
                )
        items = self.report.insert(AgendaItem, items)
        self.report.insert(
            AgendaItem.presenters.through,
            [
                AgendaItem.presenters.through(
                    agendaitem=item, person=self.core_people[n % len(self.core_people)]
                )
                for n, item in enumerate(items)
            ],
            label="meetings_agendaitem_presenters",
        )
        self.report.insert(
            MeetingDecision,
            [
                MeetingDecision(
                    agenda_item=item,
                    outcome=rng.choice(DecisionOutcome.values),
                    text="Agreed as discussed.",
                    created_at=item.meeting.starts_at,
                )
                for item in items
            ],
        )
        action_counts = _spread(sizes.action_items, len(items), rng)
        actions = []
        for item, count in zip(items, action_counts, strict=True):
            for n in range(count):
                done = item.meeting.status == MeetingStatus.PUBLISHED and n % 4
                actions.append(
                    ActionItem(
                        agenda_item=item,
                        text=f"Follow up on topic {item.order}, part {n + 1}.",
                        status=ActionItemStatus.DONE if done else ActionItemStatus.OPEN,
                        due_on=(item.meeting.starts_at + datetime.timedelta(days=30)).date(),
                        created_at=item.meeting.starts_at,
                        closed_at=item.meeting.starts_at + datetime.timedelta(days=20)
                        if done
                        else None,
                    )
                )
        actions = self.report.insert(ActionItem, actions)
        self.report.insert(
            ActionItem.owners.through,
            [
                ActionItem.owners.through(
                    actionitem=action, person=self.core_people[n % len(self.core_people)]
                )
                for n, action in enumerate(actions)
            ],
            label="meetings_actionitem_owners",
        )
        self.report.timed(
            "meetings_minutesversion",
            lambda: self.publish(m for m in meetings if m.status == MeetingStatus.PUBLISHED),
        )

    def publish(self, meetings: Iterable[Meeting]) -> int:
        """Compose each past meeting's public minutes as publication does, and store them."""
        versions, rounds = [], []
        for meeting in meetings:
            minutes = compose_public(
                selectors.agenda_items(meeting), announcement_url=meeting.announcement_url
            )
            published_at = meeting.starts_at + datetime.timedelta(days=7)
            rounds.append(
                ReviewRound(
                    meeting=meeting,
                    number=1,
                    submitted_by=self.core_users[0],
                    submitted_at=meeting.starts_at + datetime.timedelta(days=1),
                    closes_at=published_at,
                    closed_at=published_at,
                    outcome=RoundOutcome.PUBLISHED,
                )
            )
            versions.append(
                MinutesVersion(
                    meeting=meeting,
                    number=1,
                    title=meeting.title,
                    starts_at=meeting.starts_at,
                    markdown=minutes.markdown,
                    html=str(render_markdown(minutes.markdown)),
                    redaction_log=minutes.redaction_log,
                    published_at=published_at,
                    published_by=self.core_users[0],
                )
            )
        ReviewRound.objects.bulk_create(rounds, batch_size=BATCH_SIZE)
        MinutesVersion.objects.bulk_create(versions, batch_size=BATCH_SIZE)
        return len(versions)

    # Notifications ----------------------------------------------------------------------------

    def notifications(self) -> None:
        rng = self.rng
        rows = []
        for n in range(self.sizes.notifications):
            created = self.at(-rng.uniform(0, 700))
            # A few unsent rows, old enough that the sweeper considers them stuck.
            sent = n % 200 != 0
            rows.append(
                Notification(
                    event_key=f"bench-{n}",
                    recipient=self.core_users[n % len(self.core_users)],
                    channel=NotificationChannel.INBOX if n % 2 else NotificationChannel.EMAIL,
                    subject=f"Notification {n}",
                    body="Something happened that you follow.",
                    url="/nominations/",
                    created_at=created,
                    sent_at=created if sent else None,
                    read_at=created if sent and n % 3 else None,
                    attempts=1 if sent else 0,
                )
            )
        self.report.insert(Notification, rows)


class SeedRefused(Exception):
    """The database is not one the benchmark data set may fill."""


def seed_database(*, scale: float, seed: int, anchor: datetime.date | None, out: TextIO) -> None:
    """Fill an empty database with the data set, deterministic from `seed` and `anchor` (today
    by default, so open votes have deadlines ahead), and write the time per table to `out`."""
    if scale <= 0:
        raise SeedRefused("--scale must be positive.")
    if Person.objects.exists():
        raise SeedRefused("The database already has people; seed an empty database.")
    day = anchor or timezone.localdate()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    started = time.perf_counter()
    report = Generator(sizes=Sizes.at_scale(scale), seed=seed, anchor=start).run()
    if connection.vendor == "postgresql":
        # Planner statistics and the visibility map, as a database that grew over years has;
        # without them the planner guesses from empty tables and the benchmark measures that.
        # VACUUM cannot run inside a transaction (a test's), where statistics must do.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    total = time.perf_counter() - started
    for table in report.seconds:
        out.write(f"{report.seconds[table]:8.2f} s {report.rows[table]:>9,} rows  {table}\n")
    out.write(f"Seeded {sum(report.rows.values()):,} rows in {total:.1f} s.\n")
