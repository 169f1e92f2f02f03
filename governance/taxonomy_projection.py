"""Taxonomy proposals worked out before they are applied: pure functions.

`project` plays a proposal's steps on the current taxonomy in memory, with the same rules as
`governance.services.taxonomy_revise`, so the page shows the proposed taxonomy and where each maintainer
lands, and a step that could not be applied is refused when it is added, not at the meeting.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from governance.models import ModuleGroup, TaxonomyOperation
from governance.validators import validate_path_patterns


@dataclass(frozen=True)
class Member:
    person_id: int
    full_name: str
    github: str
    kind: str


@dataclass
class ProposedModule:
    """A module of the current or the proposed taxonomy. `key` follows a module through
    renames (its slug in the current taxonomy, or the slug it was added with)."""

    key: str
    slug: str
    name: str
    group: str
    includes: str = ""
    path_patterns: str = ""
    members: list[Member] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    def receive(self, member: Member) -> None:
        if all((m.person_id, m.kind) != (member.person_id, member.kind) for m in self.members):
            self.members.append(member)


@dataclass(frozen=True)
class Landing:
    member: Member
    current: str
    proposed: tuple[str, ...]


@dataclass
class Projection:
    modules: list[ProposedModule]
    retired: list[tuple[str, str]]
    landings: list[Landing]

    def by_group(self) -> list[tuple[ModuleGroup, list[ProposedModule]]]:
        return by_group(self.modules)


def by_group(modules: Sequence[ProposedModule]) -> list[tuple[ModuleGroup, list]]:
    return [
        (ModuleGroup(group), [module for module in modules if module.group == group])
        for group in ModuleGroup.values
    ]


class _Player:
    def __init__(self, current: Sequence[ProposedModule], taken_slugs: set[str]) -> None:
        self.modules: dict[str, ProposedModule] = {m.slug: copy.deepcopy(m) for m in current}
        self.taken = set(taken_slugs)
        self.retired: list[tuple[str, str]] = []
        # Where each current membership ends up, by module key: (person, kind, key) -> keys.
        self.destinations = {
            (member.person_id, member.kind, module.key): {module.key}
            for module in current
            for member in module.members
        }

    def move(self, member: Member, source_key: str, target_keys: list[str]) -> None:
        for (person_id, kind, _), keys in self.destinations.items():
            if (person_id, kind) == (member.person_id, member.kind) and source_key in keys:
                keys.discard(source_key)
                keys.update(target_keys)

    def get(self, slug: str) -> ProposedModule:
        if slug not in self.modules:
            raise ValidationError(f"No module of the proposed taxonomy has the slug {slug!r}.")
        return self.modules[slug]

    def check_name(self, name: str, slug: str) -> None:
        if not name.strip():
            raise ValidationError("A module needs a name.")
        for other in self.modules.values():
            if other.slug != slug and other.name.lower() == name.strip().lower():
                raise ValidationError(f"A module is already named {name.strip()!r}.")

    def check_free_slug(self, slug: str) -> None:
        if not slug:
            raise ValidationError("A module needs a slug.")
        if slug in self.taken:
            raise ValidationError(f"The slug {slug!r} is taken, now or by a retired module.")

    def add(self, data: dict) -> None:
        self.check_free_slug(data["slug"])
        self.check_name(data["name"], data["slug"])
        validate_path_patterns(data.get("path_patterns", ""))
        if data.get("group", ModuleGroup.CORE) not in ModuleGroup.values:
            raise ValidationError("Choose a module group.")
        self.taken.add(data["slug"])
        self.modules[data["slug"]] = ProposedModule(
            key=data["slug"],
            slug=data["slug"],
            name=data["name"].strip(),
            group=data.get("group", ModuleGroup.CORE),
            includes=data.get("includes", "").strip(),
            path_patterns=data.get("path_patterns", ""),
            changes=["added"],
        )

    def rename(self, data: dict) -> None:
        module = self.get(data["module"])
        self.check_name(data["name"], module.slug)
        new_slug = data.get("slug") or module.slug
        if new_slug != module.slug:
            self.check_free_slug(new_slug)
            self.taken.add(new_slug)
            del self.modules[module.slug]
            module.slug = new_slug
            self.modules[new_slug] = module
        name = data["name"].strip()
        module.changes.append(
            f"renamed from {module.name}" if module.name != name else "scope revised"
        )
        module.name = name
        if data.get("includes") is not None:
            module.includes = data["includes"].strip()

    def merge(self, data: dict) -> None:
        target = self.get(data["into"])
        if not data.get("sources"):
            raise ValidationError("A merge needs at least one module to fold in.")
        for slug in data["sources"]:
            source = self.get(slug)
            if source.slug == target.slug:
                raise ValidationError(f"{source.name} cannot be merged into itself.")
            for member in source.members:
                target.receive(member)
                self.move(member, source.key, [target.key])
            carried = [p for p in source.path_patterns.splitlines() if p.strip()]
            own = [p for p in target.path_patterns.splitlines() if p.strip()]
            target.path_patterns = "\n".join([*own, *(p for p in carried if p not in own)])
            target.changes.append(f"took in {source.name}")
            self.retired.append((source.name, f"merged into {target.name}"))
            del self.modules[source.slug]

    def split(self, data: dict) -> None:
        source = self.get(data["source"])
        parts = [self.get(slug) for slug in data.get("into", [])]
        if len(parts) < 2:
            raise ValidationError(f"A split of {source.name} needs at least two parts.")
        if source in parts:
            raise ValidationError(f"{source.name} cannot be one of its own parts.")
        by_slug = {part.slug: part for part in parts}
        assignments = {int(pk): slugs for pk, slugs in data.get("assignments", {}).items()}
        for slugs in assignments.values():
            unknown = [slug for slug in slugs if slug not in by_slug]
            if unknown:
                raise ValidationError(f"{', '.join(unknown)} is not a part of this split.")
        for member in source.members:
            slugs = assignments.get(member.person_id, list(by_slug))
            for slug in slugs:
                by_slug[slug].receive(member)
            self.move(member, source.key, [by_slug[slug].key for slug in slugs])
        for part in parts:
            part.changes.append(f"split from {source.name}")
        self.retired.append((source.name, f"split into {', '.join(p.name for p in parts)}"))
        del self.modules[source.slug]

    def sunset(self, data: dict) -> None:
        module = self.get(data["module"])
        if module.group == ModuleGroup.SUNSETTED:
            raise ValidationError(f"{module.name} is already sunsetted.")
        module.group = ModuleGroup.SUNSETTED
        module.changes.append("sunsetted")

    def play(self, operation: str, data: dict) -> None:
        handler = {
            TaxonomyOperation.ADD: self.add,
            TaxonomyOperation.RENAME: self.rename,
            TaxonomyOperation.MERGE: self.merge,
            TaxonomyOperation.SPLIT: self.split,
            TaxonomyOperation.SUNSET: self.sunset,
        }.get(operation)
        if handler is None:
            raise ValidationError(f"Unknown taxonomy step {operation!r}.")
        handler(data)


def project(
    current: Sequence[ProposedModule],
    steps: Sequence[tuple[str, dict]],
    taken_slugs: set[str],
) -> Projection:
    """The taxonomy after `steps` ((operation, data) pairs). Raises ValidationError, prefixed
    with the number of the step that cannot be applied."""
    player = _Player(current, taken_slugs)
    for number, (operation, data) in enumerate(steps, start=1):
        try:
            player.play(operation, data)
        except (ValidationError, KeyError, TypeError, ValueError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [repr(error)]
            raise ValidationError(f"Step {number}: {' '.join(messages)}") from None
    modules = list(player.modules.values())
    return Projection(
        modules=modules, retired=player.retired, landings=_landings(current, modules, player)
    )


def _landings(
    current: Sequence[ProposedModule], proposed: Sequence[ProposedModule], player: _Player
) -> list[Landing]:
    """Everyone whose module is renamed, merged, split or sunsetted: from where to where."""
    by_key = {module.key: module for module in proposed}
    landings = []
    for module in current:
        for member in module.members:
            keys = player.destinations[(member.person_id, member.kind, module.key)]
            if keys == {module.key} and not by_key[module.key].changes:
                continue
            places = tuple(by_key[key].name for key in sorted(keys, key=list(by_key).index))
            landings.append(Landing(member=member, current=module.name, proposed=places))
    return landings
