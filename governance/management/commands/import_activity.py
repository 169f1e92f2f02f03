from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import roster_parsers, services
from governance.roster_parsers import activity


class Command(BaseCommand):
    help = (
        "Record per-person activity from a CSV (github,last_active_on,reviews,commits,"
        "triaged_issues) or a JSON list of objects with those keys. Unknown handles are listed "
        "and skipped; the rest are imported. With --from-github, read what is new since the "
        "last run in GITHUB_ACTIVITY_REPOSITORIES instead, as the daily task does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("file", nargs="?")
        source.add_argument("--from-github", action="store_true")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: from the name.")

    def handle(
        self, *args, file: str | None, from_github: bool, format: str | None, **options
    ) -> None:
        if from_github:
            self.from_github()
        else:
            self.from_file(Path(file), format)

    def from_github(self) -> None:
        if not settings.GITHUB_ACTIVITY_REPOSITORIES:
            raise CommandError("GitHub is not configured: set GITHUB_ACTIVITY_REPOSITORIES.")
        report = services.github_activity_import(actor=None)
        for window in report.windows:
            self.stdout.write(f"read: {window}")
        for login in sorted(report.unknown_logins):
            self.stdout.write(f"unknown: @{login} is not on the roster")
        if report.errors:
            raise CommandError(
                "; ".join(report.errors) + ". What was read is kept; the next run goes on from it."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {len(report.windows)} streams from GitHub; "
                f"activity of {len(report.people)} people recorded."
            )
        )

    def from_file(self, path: Path, format: str | None) -> None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            records = activity.parse_activity(text, format or activity.activity_format(path.name))
        except roster_parsers.MalformedFile as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        report = services.activity_import(actor=None, records=records)
        for record in report.unknown:
            self.stdout.write(f"unknown: line {record.line}: @{record.github} is not on the roster")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported activity of {report.imported} people; {report.unchanged} unchanged, "
                f"{len(report.unknown)} unknown."
            )
        )
