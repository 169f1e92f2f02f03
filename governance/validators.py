"""Validators shared by forms, services and imports."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# Control characters (C0, DEL and C1) and the line and paragraph separators. A name is one line
# of plain text in every file, heading and email it is written to; a line break in one would
# start a section of its own in persons_of_interest. The database refuses them too (a check
# constraint on this pattern without NUL, which PostgreSQL's text cannot hold anyway).
NAME_BREAKING_CHARACTERS = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"
NAME_BREAKING_CHARACTERS_IN_DATABASE = r"[\x01-\x1f\x7f-\x9f\u2028\u2029]"

validate_person_name = RegexValidator(
    NAME_BREAKING_CHARACTERS,
    inverse_match=True,
    message="A name is one line of text, without line breaks, tabs or control characters.",
    code="invalid_name",
)

MAX_PATTERN_LENGTH = 300
# Glob characters GitHub and merge rules understand; anything else (spaces, backslashes, quotes,
# control characters) would be read differently by the tools that consume the exported files.
PATTERN_CHARACTERS = re.compile(r"\A-?[A-Za-z0-9_.*?\[\]{}/+@=,~!-]+\Z")


def validate_path_patterns(text: str) -> None:
    """One glob a line, relative to the repository root; a leading '-' excludes."""
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        pattern = raw.strip()
        if not pattern:
            continue
        body = pattern.removeprefix("-")
        if len(pattern) > MAX_PATTERN_LENGTH:
            errors.append(f"line {number}: longer than {MAX_PATTERN_LENGTH} characters")
        elif not PATTERN_CHARACTERS.match(pattern):
            errors.append(f"line {number}: {pattern!r} has a space or a character globs reject")
        elif body.startswith("/"):
            errors.append(f"line {number}: {pattern!r} must be relative, without a leading '/'")
        elif ".." in body.split("/"):
            errors.append(f"line {number}: {pattern!r} must not climb out with '..'")
        elif not body or body == "-":
            errors.append(f"line {number}: {pattern!r} names no path")
    if errors:
        raise ValidationError(
            "Invalid path patterns: " + "; ".join(errors) + ".", code="invalid_path_pattern"
        )


# A GitHub login, or an organisation's team as "org/team-slug", as merge rules name approvers.
APPROVER = re.compile(r"\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*(/[A-Za-z0-9_.-]+)?\Z")
MAX_CHECK_NAME_LENGTH = 200


def validate_approvers(text: str) -> None:
    """One GitHub login or org/team slug a line."""
    errors = [
        f"line {number}: {raw.strip()!r} is neither a GitHub login nor an org/team slug"
        for number, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not APPROVER.match(raw.strip())
    ]
    if errors:
        raise ValidationError("Invalid approvers: " + "; ".join(errors) + ".", code="invalid")


def validate_check_names(text: str) -> None:
    """One CI check name a line: printable text, as the CI system shows it."""
    errors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        name = raw.strip()
        if len(name) > MAX_CHECK_NAME_LENGTH:
            errors.append(f"line {number}: longer than {MAX_CHECK_NAME_LENGTH} characters")
        elif not name.isprintable():
            errors.append(f"line {number}: has a character that is not printable")
    if errors:
        raise ValidationError("Invalid check names: " + "; ".join(errors) + ".", code="invalid")
