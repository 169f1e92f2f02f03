from django.core.management.base import CommandParser

from governance import layouts, roster_files
from governance.management.roster_file_command import ExportCommand


class Command(ExportCommand):
    help = "Write persons_of_interest (MyST Markdown or reStructuredText) from the roster."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--format", choices=["md", "rst"], default="md")

    def render(self, roster: roster_files.Roster, options: dict) -> str:
        self.file_name = f"persons_of_interest.{options['format']}"
        return layouts.persons_of_interest(roster, options["format"])
