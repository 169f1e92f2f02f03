"""Taxonomy revisions: add, rename, merge, split and sunset modules as one atomic change."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from governance import permissions
from governance.models import (
    Module,
    ModuleGroup,
    ModuleStatus,
    Role,
    RoleStatus,
    TaxonomyChange,
    TaxonomyOperation,
    TaxonomyRevision,
)
from governance.services.base import audit_record, require, save_validated
from governance.services.roster import role_close, role_open
from governance.taxonomy_steps import (
    ModuleAdd,
    ModuleMerge,
    ModuleRename,
    ModuleSplit,
    ModuleSunset,
    TaxonomyStep,
)


class _Revision:
    """Applies steps in order inside one transaction; any failure rolls back every step."""

    def __init__(self, *, actor, revision: TaxonomyRevision) -> None:
        self.actor = actor
        self.revision = revision
        self.by_slug: dict[str, Module] = {}

    def module(self, slug: str) -> Module:
        if slug not in self.by_slug:
            try:
                self.by_slug[slug] = Module.objects.select_for_update().get(
                    slug=slug, status=ModuleStatus.ACTIVE
                )
            except Module.DoesNotExist:
                raise ValidationError(f"No active module has the slug {slug!r}.") from None
        return self.by_slug[slug]

    def locked(self, module: Module) -> Module:
        return self.module(module.slug)

    def record(self, operation: str, module: Module, **extra) -> None:
        TaxonomyChange.objects.create(
            revision=self.revision, operation=operation, module=module, **extra
        )

    def add(self, step: ModuleAdd) -> None:
        module = Module(
            name=step.name.strip(),
            slug=step.slug,
            group=step.group,
            includes=step.includes.strip(),
            description=step.description,
            path_patterns=step.path_patterns,
        )
        save_validated(module)
        self.by_slug[module.slug] = module
        self.record(TaxonomyOperation.ADD, module)

    def rename(self, step: ModuleRename) -> None:
        module = self.locked(step.module)
        previous = {
            "previous_name": module.name,
            "previous_slug": module.slug,
            "previous_includes": module.includes,
        }
        module.name = step.name.strip()
        if step.slug and step.slug != module.slug:
            del self.by_slug[module.slug]
            module.slug = step.slug
        if step.includes is not None:
            module.includes = step.includes.strip()
        save_validated(module)
        self.by_slug[module.slug] = module
        self.record(TaxonomyOperation.RENAME, module, **previous)

    def move_roles(self, source: Module, targets_for: dict[int, list[Module]]) -> None:
        """End each active role of `source` and open the same role in the person's targets."""
        roles = Role.objects.select_for_update().filter(module=source, status=RoleStatus.ACTIVE)
        for role in roles.select_related("person"):
            if role.started_on > self.revision.decided_on:
                raise ValidationError(
                    f"{role.person.full_name}'s role in {source.name} began on "
                    f"{role.started_on:%Y-%m-%d}, after this revision's date "
                    f"({self.revision.decided_on:%Y-%m-%d}); date the revision later."
                )
            targets = targets_for.get(role.person_id, targets_for.get(0, []))
            names = ", ".join(target.name for target in targets) or "no successor"
            # Made of the revision's public facts only, so the roster may show it.
            moved = f"{source.name} was reorganised into {names} ({self.revision.title})."
            role_close(
                actor=self.actor,
                role=role,
                ended_on=self.revision.decided_on,
                reason=moved,
                public_reason=moved,
                verb="role.moved",
                revision=self.revision,
            )
            for target in targets:
                already = Role.objects.filter(
                    person=role.person, kind=role.kind, module=target, status=RoleStatus.ACTIVE
                ).exists()
                if not already:
                    role_open(
                        actor=self.actor,
                        person=role.person,
                        kind=role.kind,
                        module=target,
                        started_on=self.revision.decided_on,
                    )

    def retire(self, module: Module) -> None:
        module.status = ModuleStatus.RETIRED
        module.save(update_fields=["status"])
        del self.by_slug[module.slug]

    def merge(self, step: ModuleMerge) -> None:
        target = self.module(step.into)
        if not step.sources:
            raise ValidationError("A merge needs at least one module to fold in.")
        for source in step.sources:
            source = self.locked(source)
            if source.pk == target.pk:
                raise ValidationError(f"{source.name} cannot be merged into itself.")
            self.move_roles(source, {0: [target]})
            # The code the source owned is the target's now, so merge rules keep covering it.
            carried = [p for p in source.patterns if p not in target.patterns]
            if carried:
                target.path_patterns = "\n".join([*target.patterns, *carried])
                target.save(update_fields=["path_patterns"])
            self.retire(source)
            self.record(TaxonomyOperation.MERGE, target, source=source)

    def split(self, step: ModuleSplit) -> None:
        source = self.locked(step.source)
        if len(step.into) < 2:
            raise ValidationError(f"A split of {source.name} needs at least two parts.")
        targets = [self.module(slug) for slug in step.into]
        if source in targets:
            raise ValidationError(f"{source.name} cannot be one of its own parts.")
        by_slug = {target.slug: target for target in targets}
        targets_for: dict[int, list[Module]] = {0: targets}
        for person_id, slugs in step.assignments.items():
            unknown = [slug for slug in slugs if slug not in by_slug]
            if unknown:
                raise ValidationError(f"{', '.join(unknown)} is not a part of this split.")
            targets_for[person_id] = [by_slug[slug] for slug in slugs]
        self.move_roles(source, targets_for)
        self.retire(source)
        for target in targets:
            self.record(TaxonomyOperation.SPLIT, target, source=source)

    def sunset(self, step: ModuleSunset) -> None:
        module = self.locked(step.module)
        if module.group == ModuleGroup.SUNSETTED:
            raise ValidationError(f"{module.name} is already sunsetted.")
        module.group = ModuleGroup.SUNSETTED
        module.save(update_fields=["group"])
        self.record(TaxonomyOperation.SUNSET, module)

    def apply(self, step: TaxonomyStep) -> None:
        handlers = {
            ModuleAdd: self.add,
            ModuleRename: self.rename,
            ModuleMerge: self.merge,
            ModuleSplit: self.split,
            ModuleSunset: self.sunset,
        }
        handler = handlers.get(type(step))
        if handler is None:
            raise ValidationError(f"Unknown taxonomy step: {step!r}.")
        handler(step)


@transaction.atomic
def taxonomy_revise(
    *,
    actor,
    title: str,
    reason: str,
    decided_on: datetime.date,
    steps: Sequence[TaxonomyStep],
) -> TaxonomyRevision:
    """Add, rename, merge, split and sunset modules as one change, carrying maintainers across."""
    require(permissions.can_manage_roster(actor), "You may not revise the module taxonomy.")
    if not steps:
        raise ValidationError("A taxonomy revision needs at least one step.")
    revision = TaxonomyRevision(
        title=title.strip(), reason=reason.strip(), decided_on=decided_on, created_by=actor
    )
    save_validated(revision)
    applier = _Revision(actor=actor, revision=revision)
    for step in steps:
        applier.apply(step)
    audit_record(
        actor=actor,
        verb="taxonomy.revised",
        target=revision,
        data={"steps": [type(step).__name__ for step in steps]},
    )
    return revision
