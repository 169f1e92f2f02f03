"""The steps of a taxonomy revision, as plain values: what `governance.services.taxonomy_revise`
applies, what `governance.taxonomy_projection` plays in memory, and how a proposal's stored steps
read in words. No queries and no writes."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from governance.models import Module, ModuleGroup, TaxonomyOperation


@dataclass(frozen=True)
class ModuleAdd:
    name: str
    slug: str
    group: str = ModuleGroup.CORE
    includes: str = ""
    description: str = ""
    path_patterns: str = ""


@dataclass(frozen=True)
class ModuleRename:
    module: Module
    name: str
    slug: str = ""
    includes: str | None = None


@dataclass(frozen=True)
class ModuleMerge:
    """Fold `sources` into `into` (an existing module, or one added by the same revision, named
    by slug). The sources retire and their active maintainers and reviewers move across."""

    sources: Sequence[Module]
    into: str


@dataclass(frozen=True)
class ModuleSplit:
    """Divide `source` among `into` (slugs). `assignments` maps a person's pk to the slugs they
    land in; a person it does not name lands in every part."""

    source: Module
    into: Sequence[str]
    assignments: dict[int, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleSunset:
    module: Module


TaxonomyStep = ModuleAdd | ModuleRename | ModuleMerge | ModuleSplit | ModuleSunset


def steps_from_data(steps: Sequence[tuple[str, dict]]) -> list[TaxonomyStep]:
    """The proposal's steps as `services.taxonomy_revise` takes them. The revision finds every
    module by its slug as the steps before left it, so a module stands in by slug only."""

    def by_slug(slug: str) -> Module:
        return Module(slug=slug)

    built: list[TaxonomyStep] = []
    for operation, data in steps:
        if operation == TaxonomyOperation.ADD:
            built.append(
                ModuleAdd(
                    name=data["name"],
                    slug=data["slug"],
                    group=data.get("group", ModuleGroup.CORE),
                    includes=data.get("includes", ""),
                    path_patterns=data.get("path_patterns", ""),
                )
            )
        elif operation == TaxonomyOperation.RENAME:
            built.append(
                ModuleRename(
                    module=by_slug(data["module"]),
                    name=data["name"],
                    slug=data.get("slug", ""),
                    includes=data.get("includes"),
                )
            )
        elif operation == TaxonomyOperation.MERGE:
            built.append(
                ModuleMerge(sources=[by_slug(slug) for slug in data["sources"]], into=data["into"])
            )
        elif operation == TaxonomyOperation.SPLIT:
            built.append(
                ModuleSplit(
                    source=by_slug(data["source"]),
                    into=list(data["into"]),
                    assignments={int(pk): s for pk, s in data.get("assignments", {}).items()},
                )
            )
        elif operation == TaxonomyOperation.SUNSET:
            built.append(ModuleSunset(module=by_slug(data["module"])))
    return built


def describe(operation: str, data: dict) -> str:
    """A step in words, with modules named by slug as the step names them."""
    if operation == TaxonomyOperation.ADD:
        return f"Add “{data['name']}” ({data['slug']}) to {ModuleGroup(data['group']).label}"
    if operation == TaxonomyOperation.RENAME:
        includes = f", including {data['includes']}" if data.get("includes") else ""
        return f"Rename {data['module']} to “{data['name']}”{includes}"
    if operation == TaxonomyOperation.MERGE:
        return f"Merge {', '.join(data['sources'])} into {data['into']}"
    if operation == TaxonomyOperation.SPLIT:
        return f"Split {data['source']} into {', '.join(data['into'])}"
    return f"Sunset {data['module']}"
