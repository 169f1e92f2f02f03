"""The minutes corpus: files in the shapes projects write minutes in, each with the structure
`import_minutes FILE --dry-run --json` must print for it (FILE.json). A file whose name says
"day_first" is read with --day-first."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from governance import services as governance_services

CORPUS = Path(__file__).resolve().parent / "corpus"
CORPUS_FILES = sorted(path.name for path in CORPUS.iterdir() if path.suffix != ".json")


def dry_run_json(path: Path) -> dict:
    out = io.StringIO()
    options = ["--day-first"] if "day_first" in path.name else []
    call_command("import_minutes", str(path), "--dry-run", "--json", *options, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def roster(db) -> None:
    """Two of the people the corpus names; the others match no one."""
    governance_services.person_create(actor=None, full_name="Ada Example", github="adaex")
    governance_services.person_create(actor=None, full_name="Ben Sample", github="bsample")
