"""Reads for the core maintainers' reports, each a fixed number of queries whatever the roster's
size: activity and emeritus, understaffed modules, affiliation spread."""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from governance.models import (
    MODULE_ROLE_KINDS,
    Module,
    ModuleGroup,
    ModuleStatus,
    PersonActivity,
    Role,
    RoleKind,
    RoleStatus,
)
from governance.selectors import has_too_few_maintainers, module_file_order

NO_EMPLOYER = {"", "independent", "none", "self", "self-employed", "unaffiliated"}
# More than this share of a group's people with one employer is a single-vendor majority.
MAJORITY_SHARE = 0.5


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier, or the month's last day when it has no such day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _activity(person) -> PersonActivity | None:
    try:
        return person.activity
    except PersonActivity.DoesNotExist:
        return None


def last_seen(role: Role) -> datetime.date | None:
    """The later of the person's last recorded activity and the role's start: someone who just
    joined is not inactive because their activity record is old."""
    activity = _activity(role.person)
    if activity is None:
        return None
    return max(activity.last_active_on, role.started_on)


# Activity and emeritus --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleActivity:
    role: Role
    activity: PersonActivity | None
    cutoff: datetime.date

    @property
    def last_seen(self) -> datetime.date | None:
        return last_seen(self.role)


@dataclass(frozen=True)
class InactivityReport:
    today: datetime.date
    inactive: list[RoleActivity]
    unrecorded: list[RoleActivity]

    @property
    def role_ids(self) -> set[int]:
        return {item.role.pk for item in [*self.inactive, *self.unrecorded]}


def active_module_roles() -> QuerySet[Role]:
    return (
        Role.objects.filter(
            status=RoleStatus.ACTIVE,
            kind__in=MODULE_ROLE_KINDS,
            module__status=ModuleStatus.ACTIVE,
        )
        .select_related("person", "person__activity", "module")
        .order_by(*module_file_order("module__"), "kind", "person__full_name", "pk")
    )


def inactivity_report(today: datetime.date | None = None) -> InactivityReport:
    """Module maintainers and reviewers past their module's inactivity period, and those with
    no activity on record who have held the role longer than that. One query."""
    today = today or timezone.localdate()
    inactive, unrecorded = [], []
    for role in active_module_roles():
        cutoff = months_before(today, role.module.inactivity_months)
        item = RoleActivity(role=role, activity=_activity(role.person), cutoff=cutoff)
        if item.activity is None:
            if role.started_on < cutoff:
                unrecorded.append(item)
        elif item.last_seen < cutoff:
            inactive.append(item)
    return InactivityReport(today=today, inactive=inactive, unrecorded=unrecorded)


# Understaffed modules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Staffing:
    module: Module
    maintainers: list[Role]
    inactive: list[Role]
    unrecorded: list[Role]

    @property
    def too_few(self) -> bool:
        return has_too_few_maintainers(self.module, len(self.maintainers))

    @property
    def all_inactive(self) -> bool:
        return bool(self.maintainers) and len(self.inactive) == len(self.maintainers)

    @property
    def understaffed(self) -> bool:
        return self.too_few or self.all_inactive


def _modules_with_maintainers():
    maintainers = (
        Role.objects.filter(status=RoleStatus.ACTIVE, kind=RoleKind.MODULE_MAINTAINER)
        .select_related("person", "person__activity")
        .order_by("person__full_name", "pk")
    )
    return (
        Module.objects.filter(status=ModuleStatus.ACTIVE)
        .exclude(group=ModuleGroup.SUNSETTED)
        .order_by(*module_file_order())
        .prefetch_related(Prefetch("roles", queryset=maintainers, to_attr="active_maintainers"))
    )


def understaffed_modules(today: datetime.date | None = None) -> list[Staffing]:
    """Modules (sunsetted ones aside) with fewer than two active maintainers, or whose active
    maintainers are all past the module's inactivity period. Two queries."""
    today = today or timezone.localdate()
    report = []
    for module in _modules_with_maintainers():
        cutoff = months_before(today, module.inactivity_months)
        seen = [(role, last_seen(role)) for role in module.active_maintainers]
        staffing = Staffing(
            module=module,
            maintainers=module.active_maintainers,
            inactive=[role for role, day in seen if day is not None and day < cutoff],
            unrecorded=[role for role, day in seen if day is None],
        )
        if staffing.understaffed:
            report.append(staffing)
    return report


# Affiliation spread -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """How a group's people divide among employers, and the share of the largest one."""

    label: str
    people: int
    employers: list[tuple[str, int]]
    largest: str
    largest_count: int
    module: Module | None = None

    @property
    def share(self) -> float:
        return self.largest_count / self.people if self.people else 0.0

    @property
    def majority(self) -> bool:
        return self.share > MAJORITY_SHARE


def spread_of(label: str, persons, module: Module | None = None) -> Spread:
    unique = {person.pk: person for person in persons}.values()
    counts = Counter(person.affiliation.strip() or "Not stated" for person in unique)
    employers = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
    candidates = [(name, n) for name, n in employers if name.lower() not in NO_EMPLOYER]
    candidates = [(name, n) for name, n in candidates if name != "Not stated"]
    largest, largest_count = candidates[0] if candidates else ("", 0)
    return Spread(
        label=label,
        people=len(unique),
        employers=employers,
        largest=largest,
        largest_count=largest_count,
        module=module,
    )


def affiliation_spread() -> tuple[Spread, list[Spread]]:
    """The core maintainers' spread, and each module's (its active maintainers), the most
    concentrated first. Three queries."""
    core_roles = Role.objects.filter(
        status=RoleStatus.ACTIVE,
        kind__in=[RoleKind.LEAD_CORE_MAINTAINER, RoleKind.CORE_MAINTAINER],
    ).select_related("person")
    core = spread_of("Core maintainers", [role.person for role in core_roles])
    modules = [
        spread_of(module.name, [role.person for role in module.active_maintainers], module)
        for module in _modules_with_maintainers()
    ]
    modules.sort(key=lambda spread: (-spread.share, -spread.people))
    return core, modules
