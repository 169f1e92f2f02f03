"""Importing per-person activity from CSV or JSON."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from governance import roster_parsers, services
from governance.models import PersonActivity
from governance.roster_parsers import activity
from tests.governance.roster_files.conftest import add_maintainer

pytestmark = pytest.mark.django_db

CSV = (
    "github,last_active_on,reviews,commits,triaged_issues\n"
    "DeePerson,2025-01-31,12,3,4\n"
    "nobody-here,2025-02-01,1,1,1\n"
    "@gus-tracer,2024-12-01,0,7,0\n"
)


@pytest.fixture
def people(module):
    return [
        add_maintainer(module, "Dee Person", "deeperson").person,
        add_maintainer(module, "Gus Tracer", "gus-tracer").person,
    ]


def test_it_imports_csv_and_lists_unknown_handles(people, tmp_path):
    path = tmp_path / "activity.csv"
    path.write_text(CSV)
    out = io.StringIO()

    call_command("import_activity", str(path), stdout=out)

    dee = PersonActivity.objects.get(person=people[0])  # the handle's case does not matter
    assert (dee.last_active_on, dee.reviews, dee.commits, dee.triaged_issues) == (
        datetime.date(2025, 1, 31), 12, 3, 4
    )  # fmt: skip
    assert PersonActivity.objects.get(person=people[1]).commits == 7
    assert "unknown: line 3: @nobody-here is not on the roster" in out.getvalue()
    assert "Imported activity of 2 people; 0 unchanged, 1 unknown." in out.getvalue()


def test_it_imports_json_with_the_same_fields(people, tmp_path):
    path = tmp_path / "activity.json"
    path.write_text(
        json.dumps(
            [
                {"handle": "deeperson", "last_activity": "2025-03-01", "reviews": 1, "commits": 2, "triaged": 3},
                {"github": "ghost", "last_active_on": "2025-03-01", "reviews": 0, "commits": 0, "triaged_issues": 0},
            ]
        )
    )  # fmt: skip

    call_command("import_activity", str(path), stdout=io.StringIO())

    assert PersonActivity.objects.get().triaged_issues == 3


def test_it_updates_a_record_and_leaves_an_unchanged_one(people):
    records = activity.parse_activity(CSV, "csv")
    services.activity_import(actor=None, records=records)

    report = services.activity_import(actor=None, records=records)

    assert (report.imported, report.unchanged, len(report.unknown)) == (0, 2, 1)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (CSV + "deeperson,31/01/2025,1,1,1\n", 5, "not a date"),
        (CSV + "someone,2025-01-01,-1,1,1\n", 5, "reviews must be a whole number"),
        ("github,last_active_on,reviews\nx,2025-01-01,1\n", 2, "missing commits, triaged_issues"),
        (CSV + "DeePerson,2025-02-01,1,1,1\n", 5, "listed again (first on line 2)"),
        (CSV + "x,2025-01-01,1,1,1,extra\n", 5, "more values than columns"),
    ],
)
def test_it_refuses_a_malformed_csv_with_its_line_and_imports_nothing(
    people, tmp_path, text, line, message
):
    path = tmp_path / "activity.csv"
    path.write_text(text)

    with pytest.raises(CommandError, match=f"line {line}: .*{message.split('(')[0]}"):
        call_command("import_activity", str(path), stdout=io.StringIO())

    assert not PersonActivity.objects.exists()


def test_it_refuses_json_that_is_not_a_list_of_objects():
    with pytest.raises(roster_parsers.MalformedFile, match="list of objects"):
        activity.parse_activity('{"github": "x"}', "json")
