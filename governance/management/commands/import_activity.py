from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import roster_parsers, services
from governance.roster_parsers import activity


class Command(BaseCommand):
    help = (
        "Record per-person activity from a CSV (github,last_active_on,reviews,commits,"
        "triaged_issues) or a JSON list of objects with those keys. Unknown handles are listed "
        "and skipped; the rest are imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: from the name.")

    def handle(self, *args, file: str, format: str | None, **options) -> None:
        path = Path(file)
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
