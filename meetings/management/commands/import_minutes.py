from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings import services
from meetings.minutes_parser import MAX_IMPORT_BYTES, ImportRejected, decode_upload


class Command(BaseCommand):
    help = (
        "Import minutes written as plain text or Markdown as draft meetings. Nothing is "
        "published: mark what is private and redact in the browser, then submit for review."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A UTF-8 text or Markdown file.")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            text = decode_upload(data)
            meetings = services.minutes_import(actor=None, text=text, source=file.name)
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
