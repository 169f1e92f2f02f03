import json

from django.core.management.base import BaseCommand, CommandError

from nominations.verification import nomination_for_verification, vote_export


class Command(BaseCommand):
    help = (
        "Write a closed vote's ledger as JSON, for `python -m verify_vote FILE` to check. For "
        "a secret ballot the file says who chose what: keep it as private as the database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("nomination_id", type=int)
        parser.add_argument("--output", "-o", help="write here instead of standard output")

    def handle(self, *args, nomination_id: int, output: str | None, **options) -> None:
        nomination = nomination_for_verification(nomination_id)
        if nomination is None:
            raise CommandError(f"No nomination #{nomination_id}.")
        document = vote_export(nomination)
        if document is None:
            raise CommandError(f"The vote on nomination #{nomination_id} has not closed.")
        text = json.dumps(document, indent=2, sort_keys=True) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")
