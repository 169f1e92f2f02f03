"""Reads that pages need, each a fixed number of queries whatever the size of the roster."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import Coalesce, Lower
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import roster_files
from governance.models import (
    ExportSettings,
    FormerHandle,
    MergeRule,
    Module,
    ModuleGroup,
    ModuleStatus,
    Notification,
    NotificationChannel,
    Person,
    RepositorySync,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyChange,
)

# A module needs at least this many active maintainers to be considered staffed.
MIN_MAINTAINERS = 2


def has_too_few_maintainers(module: Module, maintainer_count: int) -> bool:
    """Whether a module still in use (active, not sunsetted) has fewer active maintainers than
    it needs; a sunsetted or retired module needs none."""
    return (
        module.status == ModuleStatus.ACTIVE
        and module.group != ModuleGroup.SUNSETTED
        and maintainer_count < MIN_MAINTAINERS
    )


@dataclass(frozen=True)
class ModuleGroupListing:
    group: ModuleGroup
    modules: list[Module]


def _active_count(kind: str) -> Count:
    return Count("roles", filter=Q(roles__status=RoleStatus.ACTIVE, roles__kind=kind))


def module_listing() -> list[ModuleGroupListing]:
    """The current taxonomy by group, each module with its active maintainer and reviewer counts.

    One query.
    """
    modules = (
        Module.objects.filter(status=ModuleStatus.ACTIVE)
        .annotate(
            maintainer_count=_active_count(RoleKind.MODULE_MAINTAINER),
            reviewer_count=_active_count(RoleKind.MODULE_REVIEWER),
        )
        .order_by("name", "pk")
    )
    by_group: dict[str, list[Module]] = {group: [] for group in ModuleGroup.values}
    for module in modules:
        module.understaffed = has_too_few_maintainers(module, module.maintainer_count)
        by_group[module.group].append(module)
    return [ModuleGroupListing(ModuleGroup(group), items) for group, items in by_group.items()]


def module_for_page(slug: str) -> Module | None:
    """The module with its roles (and their people) and its taxonomy history. Four queries."""
    roles = Role.objects.select_related("person").order_by(
        "kind", "person__full_name", "-started_on", "pk"
    )
    changes = TaxonomyChange.objects.select_related("revision", "module", "source").order_by(
        "-revision__decided_on", "-revision__pk", "pk"
    )
    return (
        Module.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("roles", queryset=roles),
            Prefetch("changes", queryset=changes),
            Prefetch("successor_changes", queryset=changes, to_attr="successors"),
        )
        .first()
    )


def module_slug_renamed_to(slug: str) -> str | None:
    """The current slug of a module that a taxonomy revision renamed away from `slug`."""
    change = (
        TaxonomyChange.objects.filter(previous_slug=slug)
        .select_related("module")
        .order_by("-revision__decided_on", "-pk")
        .first()
    )
    if change is None or change.module.slug == slug:
        return None
    return change.module.slug


def handle_renamed_to(github: str) -> str:
    """The handle today of whoever went by `github` before renaming themselves on GitHub, or
    "" when no one did. Only people with a public page: the new handle of anyone else is not
    public. One query."""
    former = (
        FormerHandle.objects.alias(github_lower=Lower("github"))
        .filter(github_lower=github.lower(), person__roles__isnull=False)
        .select_related("person")
        .first()
    )
    return former.person.github if former is not None else ""


def person_for_page(github: str) -> Person | None:
    """A person of the roster (found regardless of case) with every role, past and present.

    Someone who never held a role, such as a nominee not (yet) announced, has no page. Two
    queries."""
    roles = Role.objects.select_related("module").order_by(
        Coalesce("ended_on", "started_on").desc(), "-started_on", "pk"
    )
    return (
        # lower(github), the expression of the unique index; `github__iexact` compares upper().
        Person.objects.alias(github_lower=Lower("github"))
        .filter(github_lower=github.lower(), roles__isnull=False)
        .exclude(github="")
        .distinct()
        .prefetch_related(Prefetch("roles", queryset=roles))
        .first()
    )


def people_directory(*, module_slug: str = "", active: bool | None = None) -> list[Person]:
    """The people with a public page (a role, past or present, and a handle), by name, each with
    every role and its module. `module_slug` keeps those with a role in that module; `active`
    keeps those with (True) or without (False) an active role there (anywhere without a
    module). Two queries."""
    roles_here = Role.objects.filter(person=OuterRef("pk"))
    if module_slug:
        roles_here = roles_here.filter(module__slug=module_slug)
    people = Person.objects.exclude(github="").filter(Exists(roles_here))
    if active is not None:
        active_here = Exists(roles_here.filter(status=RoleStatus.ACTIVE))
        people = people.filter(active_here) if active else people.exclude(active_here)
    roles = Role.objects.select_related("module").order_by(
        F("ended_on").desc(nulls_first=True), "-started_on", "pk"
    )
    return list(
        people.order_by(Lower("full_name"), "pk").prefetch_related(
            Prefetch("roles", queryset=roles)
        )
    )


SEARCH_LIMIT = 50


def _each_term(queryset: QuerySet, terms: list[str], fields: tuple[str, ...]) -> QuerySet:
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(any_field)
    return queryset


def people_matching(terms: list[str]) -> list[Person]:
    """People with a public page whose name or handle holds every term, by name, with whether
    they hold an active role. One query."""
    active = Exists(Role.objects.filter(person=OuterRef("pk"), status=RoleStatus.ACTIVE))
    people = Person.objects.exclude(github="").filter(
        Exists(Role.objects.filter(person=OuterRef("pk")))
    )
    return list(
        _each_term(people, terms, ("full_name", "github"))
        .annotate(is_active=active)
        .only("full_name", "github")
        .order_by(Lower("full_name"), "pk")[:SEARCH_LIMIT]
    )


def modules_matching(terms: list[str]) -> list[Module]:
    """Modules (each has a public page) whose name, slug, area or description holds every term,
    by name. One query."""
    modules = Module.objects.only("name", "slug", "includes", "description", "status")
    return list(
        _each_term(modules, terms, ("name", "slug", "includes", "description")).order_by(
            Lower("name"), "pk"
        )[:SEARCH_LIMIT]
    )


def modules_by_name() -> list[Module]:
    """Every module, retired ones too (their emeritus maintainers are on the roster), by name.
    One query."""
    return list(Module.objects.only("name", "slug", "status").order_by(Lower("name"), "pk"))


def core_team() -> QuerySet[Role]:
    """Active core maintainers, the lead first. One query."""
    lead_first = Case(When(kind=RoleKind.LEAD_CORE_MAINTAINER, then=0), default=1)
    return (
        Role.objects.filter(
            status=RoleStatus.ACTIVE,
            kind__in=[RoleKind.LEAD_CORE_MAINTAINER, RoleKind.CORE_MAINTAINER],
        )
        .select_related("person")
        .order_by(lead_first, "person__full_name", "pk")
    )


def core_maintainer_users() -> list:
    """The active user accounts of the active core maintainers, the lead among them. One query."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            person__roles__status=RoleStatus.ACTIVE,
            person__roles__kind__in=[RoleKind.CORE_MAINTAINER, RoleKind.LEAD_CORE_MAINTAINER],
        )
        .distinct()
        .order_by("pk")
    )


def roster_changes_latest(limit: int = 10) -> QuerySet[Role]:
    """Roles most recently granted or moved to emeritus, newest first. One query.

    A role that a taxonomy revision moved is left out: its successor role tells the change."""
    return (
        Role.objects.filter(ended_by_revision__isnull=True)
        .select_related("person", "module")
        .annotate(changed_on=Coalesce("ended_on", "started_on"))
        .order_by("-changed_on", "-pk")[:limit]
    )


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.INBOX).order_by(
        "-created_at", "-pk"
    )


def inbox_unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


# Repository files ------------------------------------------------------------------------------


def module_file_order(prefix: str = "") -> list:
    """The order modules take in the repository files and reports: by group as the taxonomy
    lists them, then by the position an import gave them, then by name. `prefix` reaches the
    module through a relation ("module__")."""
    group_order = Case(
        *(
            When(**{f"{prefix}group": group}, then=index)
            for index, group in enumerate(ModuleGroup.values)
        ),
        default=len(ModuleGroup.values),
    )
    return [
        group_order,
        F(f"{prefix}position").asc(nulls_last=True),
        Lower(f"{prefix}name"),
        f"{prefix}pk",
    ]


def _listed(roles: list[Role], kind: str) -> tuple[list[Person], list[Person]]:
    """Active holders of `kind` in seniority order, then former holders who hold it no more.

    A role that a taxonomy revision moved is not emeritus: its holder carries on elsewhere."""
    roles = sorted(
        (role for role in roles if role.kind == kind), key=lambda r: (r.started_on, r.pk)
    )
    active = [role.person for role in roles if role.is_active]
    active_ids = {person.pk for person in active}
    former: dict[int, Person] = {}
    for role in roles:
        if not role.is_active and not role.was_moved and role.person_id not in active_ids:
            former.setdefault(role.person_id, role.person)
    return active, list(former.values())


def roster_for_export() -> roster_files.Roster:
    """Everything the exported files say, in five queries: the export settings, the active
    modules, their roles with people, the project roles with people, the catch-all merge rules."""
    settings_row = ExportSettings.objects.filter(pk=ExportSettings.SINGLETON_PK).first()
    settings_row = settings_row or ExportSettings(pk=ExportSettings.SINGLETON_PK)
    modules = (
        Module.objects.filter(status=ModuleStatus.ACTIVE)
        .order_by(*module_file_order())
        .prefetch_related(Prefetch("roles", queryset=Role.objects.select_related("person")))
    )
    project_roles = list(
        Role.objects.filter(
            kind__in=[RoleKind.LEAD_CORE_MAINTAINER, RoleKind.CORE_MAINTAINER]
        ).select_related("person")
    )
    lead, former_lead = _listed(project_roles, RoleKind.LEAD_CORE_MAINTAINER)
    core, former_core = _listed(project_roles, RoleKind.CORE_MAINTAINER)
    module_rosters = []
    for module in modules:
        roles = list(module.roles.all())
        maintainers, former_maintainers = _listed(roles, RoleKind.MODULE_MAINTAINER)
        reviewers, former_reviewers = _listed(roles, RoleKind.MODULE_REVIEWER)
        module_rosters.append(
            roster_files.ModuleRoster(
                name=module.name,
                slug=module.slug,
                group=module.group,
                group_name=module.group_name,
                includes=module.includes,
                patterns=tuple(module.patterns),
                maintainers=roster_files.people(maintainers),
                emeritus_maintainers=roster_files.people(former_maintainers),
                reviewers=roster_files.people(reviewers),
                emeritus_reviewers=roster_files.people(former_reviewers),
            )
        )
    core_handles = tuple(person.github for person in [*lead, *core] if person.github)
    rules = tuple(
        roster_files.CatchAllRule(
            name=rule.name,
            patterns=tuple(rule.pattern_list),
            approved_by=tuple(rule.approver_list)
            + (core_handles if rule.include_core_maintainers else ()),
            mandatory_checks=tuple(rule.check_names),
            ignore_flaky_failures=rule.ignore_flaky_failures,
        )
        for rule in MergeRule.objects.order_by("position", Lower("name"), "pk")
    )
    return roster_files.Roster(
        title=settings_row.document_title,
        responsibilities=settings_row.responsibilities.strip("\n"),
        mandatory_checks=tuple(settings_row.check_names),
        lead=roster_files.people(lead),
        emeritus_lead=roster_files.people(former_lead),
        core=roster_files.people(core),
        emeritus_core=roster_files.people(former_core),
        modules=tuple(module_rosters),
        catch_all_rules=rules,
        persons_layout=settings_row.persons_layout if settings_row.follow_imported_layout else None,
    )


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_of(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def roles_by_ids(ids: list[int]) -> list[Role]:
    """The roles picked from the inactive maintainers' report, with person and module. One
    query."""
    return list(Role.objects.filter(pk__in=ids).select_related("person", "module"))


def repository_sync_state() -> RepositorySync:
    """The repository files' pull request as last recorded (an unsaved blank before any)."""
    row = RepositorySync.objects.filter(pk=RepositorySync.SINGLETON_PK).first()
    return row or RepositorySync(pk=RepositorySync.SINGLETON_PK)
