"""Activity as CSV or JSON: a row per person, with their last activity and counts."""

import csv
import datetime
import io
import json
from dataclasses import dataclass

from governance.roster_parsers import HANDLE, MalformedFile


@dataclass(frozen=True)
class ActivityRecord:
    line: int
    github: str
    last_active_on: datetime.date
    reviews: int
    commits: int
    triaged_issues: int


ACTIVITY_FIELDS = ("github", "last_active_on", "reviews", "commits", "triaged_issues")
# Names a spreadsheet or an API export may give the same columns.
ACTIVITY_ALIASES = {
    "handle": "github",
    "login": "github",
    "github_handle": "github",
    "last_activity": "last_active_on",
    "last_active": "last_active_on",
    "date": "last_active_on",
    "triaged": "triaged_issues",
    "issues_triaged": "triaged_issues",
}


def _activity_record(row: dict, number: int) -> ActivityRecord:
    row = {
        ACTIVITY_ALIASES.get(str(key).strip().lower(), str(key).strip().lower()): value
        for key, value in row.items()
        if key is not None
    }
    missing = [name for name in ACTIVITY_FIELDS if name not in row]
    if missing:
        raise MalformedFile(f"missing {', '.join(missing)}", number)
    github = str(row["github"] or "").strip().removeprefix("@")
    if not HANDLE.match(github):
        raise MalformedFile(f"{github!r} is not a valid GitHub handle", number)
    try:
        last_active_on = datetime.date.fromisoformat(str(row["last_active_on"]).strip())
    except ValueError:
        raise MalformedFile(
            f"{row['last_active_on']!r} is not a date written YYYY-MM-DD", number
        ) from None
    counts = {}
    for name in ("reviews", "commits", "triaged_issues"):
        value = row[name]
        text = str(value).strip() if value is not None else ""
        if isinstance(value, bool) or not text.isdigit():
            raise MalformedFile(
                f"{name} must be a whole number of zero or more, not {value!r}", number
            )
        counts[name] = int(text)
    return ActivityRecord(line=number, github=github, last_active_on=last_active_on, **counts)


def parse_activity(text: str, fmt: str) -> list[ActivityRecord]:
    """Read activity as CSV (a header line, then one person a line) or JSON (a list of objects;
    the "line" of a record is its place in the list, from 1)."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
        if reader.fieldnames is None:
            raise MalformedFile("the file is empty", 1)
        if any(None in row for _, row in rows):
            bad = next(number for number, row in rows if None in row)
            raise MalformedFile("more values than columns", bad)
    elif fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedFile(f"not JSON: {error.msg}", error.lineno) from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise MalformedFile("JSON activity is a list of objects", 1)
        rows = list(enumerate(data, start=1))
    else:
        raise MalformedFile(f"unknown format {fmt!r}; use csv or json")
    records = [_activity_record(row, number) for number, row in rows]
    first_line: dict[str, int] = {}
    for record in records:
        earlier = first_line.setdefault(record.github.lower(), record.line)
        if earlier != record.line:
            raise MalformedFile(
                f"@{record.github} is listed again (first on line {earlier})", record.line
            )
    return records


def activity_format(filename: str) -> str:
    return "json" if filename.lower().endswith(".json") else "csv"
