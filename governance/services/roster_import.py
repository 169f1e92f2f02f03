"""Importing into the roster: persons_of_interest, activity, and a first roster from CODEOWNERS,
OWNERS or merge_rules.yaml.

Services like those of `governance.services`: keyword-only, atomic, `actor=` (None is the system,
for management commands), a permission check, an audit event.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from governance import permissions
from governance.models import (
    ActivitySource,
    ExportSettings,
    MergeRule,
    Module,
    ModuleStatus,
    Person,
    PersonActivity,
    Role,
    RoleKind,
    RoleStatus,
)
from governance.roster_parsers import MalformedFile
from governance.roster_parsers.activity import ActivityRecord
from governance.roster_parsers.persons import Bullet, PersonsFile
from governance.services import roster
from governance.services.base import audit_record, require, save_validated
from governance.services.export_settings import (
    export_settings_update,
    merge_rule_create,
    merge_rule_update,
)

IMPORT_EMERITUS_REASON = "Listed as emeritus in the imported persons_of_interest file."
MAX_SLUG_LENGTH = 90


# persons_of_interest ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import changed (or, in a dry run, would change), and what it noticed."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@contextmanager
def _at_line(line: int) -> Iterator[None]:
    """Turn a service's refusal into a MalformedFile naming the line that asked for it."""
    try:
        yield
    except ValidationError as error:
        raise MalformedFile(" ".join(error.messages), line) from error


class _PersonsImport:
    def __init__(self, *, actor, document: PersonsFile, report: ImportReport) -> None:
        self.actor = actor
        self.document = document
        self.report = report
        self.by_handle: dict[str, Person] = {}
        self.by_name: dict[str, Person] = {}

    def change(self, text: str) -> None:
        self.report.changes.append(text)

    def note(self, text: str) -> None:
        self.report.notes.append(text)

    def run(self) -> None:
        self.settings()
        for bullet in self.document.bullets():
            if bullet.github:
                self.person_with_handle(bullet)
        for bullet in self.document.bullets():
            if not bullet.github:
                self.person_without_handle(bullet)
        sections = [
            (RoleKind.LEAD_CORE_MAINTAINER, None, self.document.lead, "the lead core maintainer"),
            (RoleKind.CORE_MAINTAINER, None, self.document.core, "the core maintainers"),
        ]
        seen_modules: dict[str, int] = {}
        for position, listed in enumerate(self.document.modules, start=1):
            earlier = seen_modules.setdefault(listed.name.lower(), listed.line)
            if earlier != listed.line:
                raise MalformedFile(
                    f"{listed.name!r} is listed again (first on line {earlier})", listed.line
                )
            module = self.module(listed, position)
            sections.append((RoleKind.MODULE_MAINTAINER, module, listed.people, module.name))
        for kind, module, bullets, where in sections:
            self.roles(kind, module, bullets, where)
        listed_names = {listed.name.lower() for listed in self.document.modules}
        for module in Module.objects.filter(status=ModuleStatus.ACTIVE).order_by("name"):
            if module.name.lower() not in listed_names:
                self.note(f"{module.name} is on the roster but not in the file; left as it is")

    def settings(self) -> None:
        current = ExportSettings.objects.filter(pk=ExportSettings.SINGLETON_PK).first()
        data = {
            "document_title": self.document.title,
            "responsibilities": self.document.responsibilities,
        }
        if current is None or any(getattr(current, key) != value for key, value in data.items()):
            with _at_line(1):
                export_settings_update(actor=self.actor, data=data)
            self.change("update the title and the responsibilities text")
        layout = {"follow_imported_layout": True, "persons_layout": self.document.layout}
        current = ExportSettings.objects.get(pk=ExportSettings.SINGLETON_PK)
        if any(getattr(current, key) != value for key, value in layout.items()):
            export_settings_update(actor=self.actor, data=layout, imported=True)
            self.change("write persons_of_interest the way this file writes it")

    def person_with_handle(self, bullet: Bullet) -> None:
        key = bullet.github.lower()
        if key in self.by_handle:
            return
        person = Person.objects.filter(github__iexact=bullet.github).first()
        with _at_line(bullet.line):
            if person is None:
                person = self.person_new_or_namesake(bullet)
            else:
                data = {}
                if person.github != bullet.github:
                    data["github"] = bullet.github
                    self.note(
                        f"line {bullet.line}: @{person.github} is written @{bullet.github} in "
                        "the file; one person, spelled as the file spells it"
                    )
                if person.full_name != bullet.full_name:
                    data["full_name"] = bullet.full_name
                if data:
                    person = roster.person_update(actor=self.actor, person=person, data=data)
                    self.change(f"update @{person.github}: {', '.join(sorted(data))}")
        self.by_handle[key] = person

    def person_new_or_namesake(self, bullet: Bullet) -> Person:
        namesakes = list(Person.objects.filter(full_name__iexact=bullet.full_name))
        unhandled = [person for person in namesakes if not person.github]
        if len(unhandled) == 1:
            person = roster.person_update(
                actor=self.actor, person=unhandled[0], data={"github": bullet.github}
            )
            self.change(f"give {person.full_name} the handle @{bullet.github}")
            self.note(
                f"line {bullet.line}: {bullet.full_name} was on the roster without a handle; "
                f"taken to be @{bullet.github}"
            )
            return person
        for namesake in namesakes:
            self.note(
                f"line {bullet.line}: {bullet.full_name} (@{bullet.github}) shares a name with "
                f"{namesake}; added as a different person"
            )
        self.change(f"add {bullet.full_name} (@{bullet.github})")
        return roster.person_create(
            actor=self.actor, full_name=bullet.full_name, github=bullet.github
        )

    def person_without_handle(self, bullet: Bullet) -> None:
        key = bullet.full_name.lower()
        if key in self.by_name:
            return
        in_file = [p for p in self.by_handle.values() if p.full_name.lower() == key]
        if in_file:
            self.by_name[key] = in_file[0]
            self.note(
                f"line {bullet.line}: {bullet.full_name} has no handle here; taken to be "
                f"@{in_file[0].github}, listed with one elsewhere in the file"
            )
            return
        candidates = list(Person.objects.filter(full_name__iexact=bullet.full_name))
        if len(candidates) > 1:
            raise MalformedFile(
                f"{bullet.full_name!r} has no handle and matches {len(candidates)} people on "
                "the roster; add the handle to tell them apart",
                bullet.line,
            )
        if candidates:
            person = candidates[0]
            if person.github:
                self.note(
                    f"line {bullet.line}: {bullet.full_name} has no handle here; taken to be "
                    f"@{person.github} of the roster"
                )
        else:
            with _at_line(bullet.line):
                person = roster.person_create(actor=self.actor, full_name=bullet.full_name)
            self.change(f"add {bullet.full_name} (no GitHub handle)")
        self.by_name[key] = person

    def person_for(self, bullet: Bullet) -> Person:
        if bullet.github:
            return self.by_handle[bullet.github.lower()]
        return self.by_name[bullet.full_name.lower()]

    def module(self, listed, position: int) -> Module:
        module = Module.objects.filter(status=ModuleStatus.ACTIVE, name__iexact=listed.name).first()
        wanted = {
            "name": listed.name,
            "group": listed.group,
            "group_name": listed.group_name,
            "includes": listed.includes,
            "position": position,
        }
        with _at_line(listed.line):
            if module is None:
                self.change(f"add the module {listed.name}")
                return roster.module_create(
                    actor=self.actor, slug=self.free_slug(listed.name), **wanted
                )
            data = {key: value for key, value in wanted.items() if getattr(module, key) != value}
            if data:
                module = roster.module_update(actor=self.actor, module=module, data=data)
                self.change(f"update the module {module.name}: {', '.join(sorted(data))}")
        return module

    @staticmethod
    def free_slug(name: str) -> str:
        base = slugify(name)[:MAX_SLUG_LENGTH].strip("-") or "module"
        taken = set(Module.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def roles(self, kind: str, module: Module | None, bullets: Sequence[Bullet], where: str):
        active_ids = {self.person_for(b).pk for b in bullets if not b.emeritus}
        done: set[tuple[int, bool]] = set()
        # Emeritus first, so that a new lead listed after the former one can take the place.
        for bullet in sorted(bullets, key=lambda b: not b.emeritus):
            person = self.person_for(bullet)
            if (person.pk, bullet.emeritus) in done:
                self.note(f"line {bullet.line}: {person.full_name} is listed twice in {where}")
                continue
            done.add((person.pk, bullet.emeritus))
            if bullet.emeritus and person.pk in active_ids:
                self.note(
                    f"line {bullet.line}: {person.full_name} is listed both active and emeritus "
                    f"in {where}; kept active"
                )
                continue
            with _at_line(bullet.line):
                self.role(kind, module, person, bullet.emeritus, where)
        listed = {self.person_for(b).pk for b in bullets}
        unlisted = Role.objects.filter(kind=kind, module=module, status=RoleStatus.ACTIVE).exclude(
            person__in=listed
        )
        for role in unlisted.select_related("person"):
            self.note(f"{role.person} is active in {where} on the roster but not in the file")

    def role(self, kind: str, module: Module | None, person: Person, emeritus: bool, where: str):
        roles = Role.objects.filter(person=person, kind=kind, module=module)
        active = roles.filter(status=RoleStatus.ACTIVE).first()
        if not emeritus:
            if active is None:
                roster.role_grant(actor=self.actor, person=person, kind=kind, module=module)
                self.change(f"grant {person} a place in {where}")
            return
        if active is not None:
            roster.role_make_emeritus(actor=self.actor, role=active, reason=IMPORT_EMERITUS_REASON)
            self.change(f"move {person} to emeritus in {where}")
        elif not roles.filter(ended_by_revision__isnull=True).exists():
            _role_record_emeritus(actor=self.actor, person=person, kind=kind, module=module)
            self.change(f"record {person} as emeritus in {where}")


def _role_record_emeritus(*, actor, person: Person, kind: str, module: Module | None) -> Role:
    """A role held before the roster was kept here, known only as emeritus. Nobody is told
    "you are now a maintainer" for it, as granting and retiring would."""
    today = timezone.localdate()
    role = Role(
        person=person,
        kind=kind,
        module=module,
        status=RoleStatus.EMERITUS,
        started_on=today,
        ended_on=today,
        end_reason=IMPORT_EMERITUS_REASON,
        public_end_reason=roster.EMERITUS_PUBLIC_REASON,
    )
    save_validated(role)
    audit_record(actor=actor, verb="role.recorded_emeritus", target=role)
    return role


@transaction.atomic
def persons_import(*, actor, document: PersonsFile, dry_run: bool = False) -> ImportReport:
    """Create or update the people, modules and roles persons_of_interest lists. Idempotent:
    a second run changes nothing. A dry run does it all and rolls it back, so it reports exactly
    what a real run would change. Raises MalformedFile (with the line) and changes nothing when
    any line cannot be applied."""
    require(permissions.can_manage_roster(actor), "You may not import the roster.")
    report = ImportReport(notes=list(document.notes))
    with transaction.atomic():
        _PersonsImport(actor=actor, document=document, report=report).run()
        if report.changes:
            audit_record(
                actor=actor,
                verb="roster.imported",
                target=ExportSettings.objects.get(pk=ExportSettings.SINGLETON_PK),
                data={"changes": report.changes[:200]},
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


# Activity ---------------------------------------------------------------------------------------


@dataclass
class ActivityReport:
    imported: int = 0
    unchanged: int = 0
    unknown: list[ActivityRecord] = field(default_factory=list)


@transaction.atomic
def activity_import(*, actor, records: Sequence[ActivityRecord]) -> ActivityReport:
    """Record each person's latest activity. Handles that nobody on the roster has are listed
    in the report and skipped; the others are imported."""
    require(permissions.can_manage_roster(actor), "You may not import activity.")
    people = {person.github.lower(): person for person in Person.objects.exclude(github="")}
    existing = {activity.person_id: activity for activity in PersonActivity.objects.all()}
    report = ActivityReport()
    now = timezone.now()
    for record in records:
        person = people.get(record.github.lower())
        if person is None:
            report.unknown.append(record)
            continue
        values = {
            "last_active_on": record.last_active_on,
            "reviews": record.reviews,
            "commits": record.commits,
            "triaged_issues": record.triaged_issues,
        }
        activity = existing.get(person.pk)
        if activity is not None and all(getattr(activity, k) == v for k, v in values.items()):
            report.unchanged += 1
            continue
        activity, _ = PersonActivity.objects.update_or_create(
            person=person,
            defaults={
                **values,
                "imported_at": now,
                "source": ActivitySource.FILE,
                "source_detail": "",
            },
        )
        audit_record(
            actor=actor,
            verb="activity.imported",
            target=activity,
            data={**values, "last_active_on": record.last_active_on.isoformat()},
        )
        report.imported += 1
    return report


# Starting a roster from CODEOWNERS, OWNERS or merge_rules.yaml ---------------------------------


def _person_by_handle(*, actor, handle: str, report: ImportReport) -> Person:
    person = Person.objects.filter(github__iexact=handle).first()
    if person is None:
        person = roster.person_create(actor=actor, full_name=handle, github=handle)
        report.changes.append(f"add @{handle} (named by the handle until someone names them)")
    return person


def _module_found(*, actor, found, report: ImportReport) -> None:
    module = Module.objects.filter(status=ModuleStatus.ACTIVE, name__iexact=found.name).first()
    patterns = "\n".join(found.patterns)
    with _at_line(found.line):
        if module is None:
            module = roster.module_create(
                actor=actor,
                name=found.name,
                slug=_PersonsImport.free_slug(found.name),
                path_patterns=patterns,
            )
            report.changes.append(f"add the module {module.name}")
        elif patterns and module.path_patterns != patterns:
            module = roster.module_update(
                actor=actor, module=module, data={"path_patterns": patterns}
            )
            report.changes.append(f"update the paths of {module.name}")
        for kind, handles in (
            (RoleKind.MODULE_MAINTAINER, found.maintainers),
            (RoleKind.MODULE_REVIEWER, found.reviewers),
        ):
            for handle in handles:
                person = _person_by_handle(actor=actor, handle=handle, report=report)
                if not Role.objects.filter(
                    person=person, kind=kind, module=module, status=RoleStatus.ACTIVE
                ).exists():
                    roster.role_grant(actor=actor, person=person, kind=kind, module=module)
                    report.changes.append(f"grant {person} a place in {module.name}")
        for handle in found.emeritus:
            person = _person_by_handle(actor=actor, handle=handle, report=report)
            kind = RoleKind.MODULE_MAINTAINER
            if not Role.objects.filter(person=person, kind=kind, module=module).exists():
                _role_record_emeritus(actor=actor, person=person, kind=kind, module=module)
                report.changes.append(f"record {person} as emeritus in {module.name}")


def _rule_found(*, actor, rule, position: int, report: ImportReport) -> bool:
    """Apply one rule; True when it is a module's rule rather than a catch-all."""
    module = Module.objects.filter(status=ModuleStatus.ACTIVE, name__iexact=rule.name).first()
    with _at_line(rule.line):
        if module is not None:
            patterns = "\n".join(rule.patterns)
            if module.path_patterns != patterns:
                roster.module_update(actor=actor, module=module, data={"path_patterns": patterns})
                report.changes.append(f"update the paths of {module.name}")
            maintainers = {
                handle.lower()
                for handle in module.roles.filter(
                    kind=RoleKind.MODULE_MAINTAINER, status=RoleStatus.ACTIVE
                ).values_list("person__github", flat=True)
            }
            for approver in rule.approved_by:
                if approver.lower() not in maintainers:
                    report.notes.append(
                        f"line {rule.line}: {approver} approves {rule.name} but does not "
                        "maintain the module; the export approves by maintainers only"
                    )
            return True
        data = {
            "patterns": "\n".join(rule.patterns),
            "approved_by": "\n".join(rule.approved_by),
            "mandatory_checks": "\n".join(rule.mandatory_checks),
            "ignore_flaky_failures": rule.ignore_flaky_failures,
            "position": position,
        }
        existing = MergeRule.objects.filter(name__iexact=rule.name).first()
        if existing is None:
            merge_rule_create(actor=actor, name=rule.name, **data)
            report.changes.append(f"add the merge rule {rule.name}")
        elif any(getattr(existing, key) != value for key, value in data.items()):
            merge_rule_update(actor=actor, rule=existing, data=data)
            report.changes.append(f"update the merge rule {rule.name}")
    return False


def _module_checks_found(*, actor, checks: set[tuple[str, ...]], report: ImportReport) -> None:
    """The export gives every module's rule one list of checks: take it when the file agrees."""
    if len(checks) > 1:
        report.notes.append(
            "the modules' rules require different checks; the export settings keep one list "
            "for all, left as it is"
        )
        return
    wanted = "\n".join(next(iter(checks)))
    current = ExportSettings.objects.filter(pk=ExportSettings.SINGLETON_PK).first()
    if current is None or current.mandatory_checks != wanted:
        export_settings_update(actor=actor, data={"mandatory_checks": wanted})
        report.changes.append(f"require the checks {', '.join(next(iter(checks)))} on every module")


@transaction.atomic
def roster_bootstrap(*, actor, found, dry_run: bool = False) -> ImportReport:
    """Start (or extend) the roster from what a project's CODEOWNERS, OWNERS or merge_rules.yaml
    says (`owner_files.Found`): modules with their paths and people, and the catch-all merge rules.
    Rules named after a module give it their paths. Idempotent; a dry run rolls back. The report's
    notes say what could not be placed."""
    require(permissions.can_manage_roster(actor), "You may not import the roster.")
    report = ImportReport(notes=list(found.unplaced))
    with transaction.atomic():
        for module in found.modules:
            _module_found(actor=actor, found=module, report=report)
        module_checks: set[tuple[str, ...]] = set()
        for position, rule in enumerate(found.rules, start=1):
            if _rule_found(actor=actor, rule=rule, position=position, report=report):
                module_checks.add(tuple(rule.mandatory_checks))
        if module_checks:
            _module_checks_found(actor=actor, checks=module_checks, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report
