from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from governance import roster_files, selectors
from governance.management.roster_file_command import ExportCommand


class Command(ExportCommand):
    help = (
        "Write one module's Kubernetes-style OWNERS file, or with --zip FILE every module's "
        "as <slug>/OWNERS in one archive."
    )
    file_name = "OWNERS"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("module", nargs="?", help="The module's slug.")
        parser.add_argument("--zip", metavar="FILE", help="Write every module's OWNERS to FILE.")

    def handle(self, *args, **options) -> None:
        if options["zip"]:
            if options["module"] or options["check"] or options["output"]:
                raise CommandError(
                    "--zip writes every module; give no module, --check or --output."
                )
            Path(options["zip"]).write_bytes(
                roster_files.owners_archive(selectors.roster_for_export())
            )
            self.stderr.write(f"Wrote {options['zip']}.")
            return
        if not options["module"]:
            raise CommandError("Name the module's slug, or give --zip FILE.")
        super().handle(*args, **options)

    def render(self, roster: roster_files.Roster, options: dict) -> str:
        module = roster_files.module_in(roster, options["module"])
        if module is None:
            raise CommandError(f"No active module has the slug {options['module']!r}.")
        return roster_files.owners_file(module)
