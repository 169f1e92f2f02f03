"""Other files a roster can start from: CODEOWNERS, Kubernetes-style OWNERS and OWNERS_ALIASES,
and merge_rules.yaml."""

from dataclasses import dataclass, field

import yaml

from governance.roster_parsers import HANDLE, MalformedFile


@dataclass
class FoundModule:
    line: int
    name: str
    patterns: list[str] = field(default_factory=list)
    maintainers: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)
    emeritus: list[str] = field(default_factory=list)


@dataclass
class FoundRule:
    line: int
    name: str
    patterns: list[str]
    approved_by: list[str]
    mandatory_checks: list[str]
    ignore_flaky_failures: bool


@dataclass
class Found:
    """What a CODEOWNERS, OWNERS or merge_rules.yaml file says, and what it could not place."""

    modules: list[FoundModule] = field(default_factory=list)
    rules: list[FoundRule] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def _owner_handle(owner: str, line: int, found: Found) -> str | None:
    handle = owner.removeprefix("@")
    if "/" in handle or "@" in handle:
        found.unplaced.append(f"line {line}: {owner} is a team or an e-mail address, not a person")
        return None
    if not HANDLE.match(handle) or len(handle) > 39:
        found.unplaced.append(f"line {line}: {owner!r} is not a GitHub handle")
        return None
    return handle


def _repository_glob(pattern: str) -> str:
    """A CODEOWNERS path as the roster writes paths: relative to the root, a folder with '/**'."""
    pattern = pattern.lstrip("/")
    return f"{pattern}**" if pattern.endswith("/") else pattern


def parse_codeowners(text: str) -> Found:
    """GitHub's CODEOWNERS: one module per comment heading (or per path when a rule has none),
    with its paths and owners."""
    found = Found()
    heading = ""
    by_name: dict[str, FoundModule] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            heading = ""
            continue
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            continue
        pattern, *owners = line.split("#", 1)[0].split()
        if not heading:
            found.unplaced.append(
                f"line {number}: {pattern} is under no '# Module name' comment, so in no module"
            )
            continue
        module = by_name.get(heading.lower())
        if module is None:
            module = by_name[heading.lower()] = FoundModule(number, heading)
            found.modules.append(module)
        module.patterns.append(_repository_glob(pattern))
        if not owners:
            found.unplaced.append(f"line {number}: {pattern} has no owner")
        known = {handle.lower() for handle in module.maintainers}
        for owner in owners:
            handle = _owner_handle(owner, number, found)
            if handle and handle.lower() not in known:
                known.add(handle.lower())
                module.maintainers.append(handle)
    return found


def _yaml(text: str, what: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise MalformedFile(f"{what} is not YAML: {getattr(error, 'problem', error)}", mark.line + 1 if mark else None) from None  # fmt: skip


def _yaml_strings(value, key: str, what: str, line: int | None = None) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MalformedFile(f"{what}: {key} must be a list of strings", line)
    return value


def parse_owners(name: str, owners: str, aliases: str = "") -> Found:
    """A Kubernetes OWNERS file (and the OWNERS_ALIASES it names) as one module called `name`;
    aliases expand, handles compare without case."""
    found = Found()
    alias_data = _yaml(aliases, "OWNERS_ALIASES") if aliases.strip() else {}
    alias_map = (alias_data or {}).get("aliases") or {}
    if not isinstance(alias_map, dict):
        raise MalformedFile("OWNERS_ALIASES: aliases must be a mapping")
    expanded = {str(k).lower(): _yaml_strings(v, str(k), "OWNERS_ALIASES") for k, v in alias_map.items()}  # fmt: skip
    data = _yaml(owners, "OWNERS") or {}
    if not isinstance(data, dict):
        raise MalformedFile("OWNERS must be a mapping")
    module = FoundModule(1, name)

    def people(key: str) -> list[str]:
        handles: dict[str, str] = {}
        for entry in _yaml_strings(data.get(key), key, "OWNERS"):
            for member in expanded.get(entry.lower(), [entry]):
                handle = _owner_handle(member, 1, found)
                if handle:
                    handles.setdefault(handle.lower(), handle)
        return list(handles.values())

    module.maintainers = people("approvers")
    approvers = {handle.lower() for handle in module.maintainers}
    module.reviewers = [h for h in people("reviewers") if h.lower() not in approvers]
    module.emeritus = people("emeritus_approvers")
    for key in sorted(set(data) - {"approvers", "reviewers", "emeritus_approvers"}):
        found.unplaced.append(f"OWNERS: {key} has no place on the roster")
    found.modules.append(module)
    return found


def parse_merge_rules(text: str) -> Found:
    """PyTorch's merge_rules.yaml: a list of rules."""
    found = Found()
    data = _yaml(text, "merge_rules.yaml")
    if not isinstance(data, list):
        raise MalformedFile("merge_rules.yaml is a list of rules")
    # The same text again, as nodes: only they know the line each rule starts on.
    nodes = yaml.compose(text, Loader=yaml.SafeLoader).value
    for index, rule in enumerate(data, start=1):
        line = nodes[index - 1].start_mark.line + 1
        what = f"rule {index}"
        if not isinstance(rule, dict) or not isinstance(rule.get("name"), str):
            raise MalformedFile(f"{what} has no name", line)
        flaky = rule.get("ignore_flaky_failures", True)
        if not isinstance(flaky, bool):
            raise MalformedFile(f"{what}: ignore_flaky_failures must be true or false", line)
        found.rules.append(
            FoundRule(
                line=line,
                name=rule["name"],
                patterns=_yaml_strings(rule.get("patterns"), "patterns", what),
                approved_by=_yaml_strings(rule.get("approved_by"), "approved_by", what),
                mandatory_checks=_yaml_strings(
                    rule.get("mandatory_checks_name"), "mandatory_checks_name", what
                ),
                ignore_flaky_failures=flaky,
            )
        )
        for key in sorted(set(rule) - {"name", "patterns", "approved_by", "mandatory_checks_name", "ignore_flaky_failures"}):  # fmt: skip
            found.unplaced.append(
                f"line {line}: {key} of the rule {rule['name']!r} has no place in the settings"
            )
    return found
