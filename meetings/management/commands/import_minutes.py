import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings import services
from meetings.minutes_parser import MAX_IMPORT_BYTES, ImportRejected, decode_upload


class Command(BaseCommand):
    help = (
        "Import minutes written as plain text or Markdown as draft meetings, every item private. "
        "Nothing is published: mark what may be public and redact in the browser, then submit "
        "for review. --dry-run --json prints the parsed structure (see README) and saves nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A UTF-8 text or Markdown file.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the structure as JSON.")
        parser.add_argument(
            "--day-first", action="store_true", help="Read 1/9/24 as 1 September, not 9 January."
        )

    def handle(
        self, *args, file: Path, dry_run: bool, json: bool, day_first: bool, **options
    ) -> None:
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            text = decode_upload(data)
            if dry_run:
                structure = services.minutes_import_preview(text=text, day_first=day_first)
                self.print_dry_run(structure, as_json=json)
                return
            meetings = services.minutes_import(
                actor=None, text=text, source=file.name, day_first=day_first
            )
        except ImportRejected as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for meeting in meetings:
            items = meeting.agenda_items.count()
            self.stdout.write(
                f"Draft: {meeting.title} ({items} agenda items) /meetings/{meeting.slug}/edit/"
            )
        self.stdout.write(self.style.SUCCESS(f"Imported {len(meetings)} draft meeting(s)."))

    def print_dry_run(self, structure: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(structure, indent=2, ensure_ascii=False))
            return
        for meeting in structure["meetings"]:
            self.stdout.write(f"{meeting['date'] or 'no date'}: {meeting['title']}")
            for item in meeting["items"]:
                self.stdout.write(
                    f"  - {item['title']} ({len(item['decisions'])} decisions, "
                    f"{len(item['action_items'])} action items)"
                )
            for line in meeting["not_understood"]:
                self.stdout.write(f"  not understood: {line}")
        self.stdout.write("Dry run: nothing was saved.")
