"""What every export command shares: write the file, or compare it with `--check FILE`."""

import difflib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import roster_files, selectors


class ExportCommand(BaseCommand):
    """Print the file (or write it with --output); with --check FILE, exit 0 when FILE says what
    the roster says, else print a unified diff and exit 1, so a project's CI fails on drift."""

    file_name = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", metavar="FILE", help="Compare FILE with the roster.")
        parser.add_argument("--output", metavar="FILE", help="Write to FILE instead of stdout.")

    def render(self, roster: roster_files.Roster, options: dict) -> str:
        raise NotImplementedError

    def handle(self, *args, check: str | None, output: str | None, **options) -> None:
        if check and output:
            raise CommandError("Give --check or --output, not both.")
        text = self.render(selectors.roster_for_export(), options)
        if check:
            self.compare(Path(check), text)
        elif output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")

    def compare(self, path: Path, expected: str) -> None:
        try:
            actual = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        if actual == expected:
            self.stdout.write(f"{path} matches the roster.")
            return
        diff = difflib.unified_diff(
            actual.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=str(path),
            tofile=f"{self.file_name or path.name} (from the roster)",
        )
        self.stdout.write("".join(diff), ending="")
        raise CommandError(f"{path} differs from the roster.", returncode=1)
