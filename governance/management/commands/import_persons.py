from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import importers, services


class Command(BaseCommand):
    help = (
        "Create or update modules, people and roles from persons_of_interest (.md or .rst). "
        "Safe to run again; --dry-run prints what would change and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["md", "rst"], help="Default: from the file.")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file: str, format: str | None, dry_run: bool, **options) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            document = importers.parse_persons(
                text, format or importers.detect_format(text, path.name)
            )
            report = services.persons_import(actor=None, document=document, dry_run=dry_run)
        except importers.MalformedFile as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        verb = "would" if dry_run else "did"
        for change in report.changes:
            self.stdout.write(f"{verb}: {change}")
        if not report.changes:
            self.stdout.write("The roster already matches the file; nothing to change.")
        elif dry_run:
            self.stdout.write(f"Dry run: {len(report.changes)} change(s), none made.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {len(report.changes)} change(s)."))
