import dataclasses
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import roster_parsers, services
from governance.roster_parsers import owner_files, persons


class Command(BaseCommand):
    help = (
        "Create or update modules, people and roles from persons_of_interest (.md or .rst). "
        "Safe to run again; --dry-run prints what would change and changes nothing; --json "
        "prints the parsed file, its notes and the changes as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["md", "rst"], help="Default: from the file.")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true", help="Print JSON (see README).")
        parser.add_argument(
            "--from",
            dest="source",
            choices=["persons", "codeowners", "owners", "merge-rules"],
            default="persons",
            help="Start the roster from CODEOWNERS, an OWNERS file or merge_rules.yaml instead.",
        )
        parser.add_argument("--aliases", metavar="FILE", help="OWNERS_ALIASES, with --from owners.")
        parser.add_argument(
            "--module", help="The module an OWNERS file is for (default: its folder)."
        )

    def handle(
        self, *args, file: str, format: str | None, dry_run: bool, json: bool, **options
    ) -> None:
        path = Path(file)
        text = self.read(path)
        if options["source"] != "persons":
            self.bootstrap(path, text, options, dry_run=dry_run, as_json=json)
            return
        try:
            document = persons.parse_persons(text, format or persons.detect_format(text, path.name))
            report = services.persons_import(actor=None, document=document, dry_run=dry_run)
        except roster_parsers.MalformedFile as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        if json:
            self.print_json(document, report, dry_run)
            return
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

    @staticmethod
    def read(path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None

    def bootstrap(self, path: Path, text: str, options: dict, *, dry_run: bool, as_json: bool):
        source = options["source"]
        try:
            if source == "codeowners":
                found = owner_files.parse_codeowners(text)
            elif source == "owners":
                aliases = self.read(Path(options["aliases"])) if options["aliases"] else ""
                name = options["module"] or path.resolve().parent.name
                found = owner_files.parse_owners(name, text, aliases)
            else:
                found = owner_files.parse_merge_rules(text)
            report = services.roster_bootstrap(actor=None, found=found, dry_run=dry_run)
        except roster_parsers.MalformedFile as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from None
        if as_json:
            data = {
                "modules": [dataclasses.asdict(module) for module in found.modules],
                "rules": [dataclasses.asdict(rule) for rule in found.rules],
                "unplaced": report.notes,
                "changes": report.changes,
                "dry_run": dry_run,
            }
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        for note in report.notes:
            self.stdout.write(f"could not place: {note}")
        verb = "would" if dry_run else "did"
        for change in report.changes:
            self.stdout.write(f"{verb}: {change}")
        self.stdout.write(f"{len(report.changes)} change(s){', none made' if dry_run else ''}.")

    def print_json(self, document, report, dry_run: bool) -> None:
        data = {**document.as_json(), "notes": report.notes, "changes": report.changes}
        data["dry_run"] = dry_run
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
