from django.core.management.base import BaseCommand, CommandError

from nominations.errors import NominationError
from nominations.models import Nomination
from nominations.selectors import count_ledger
from nominations.voting_rules import quorum_met, vote_passes


class Command(BaseCommand):
    help = (
        "Recompute every closed tally from the ballot ledger and verify each hash chain. "
        "Exits non-zero on any mismatch."
    )

    def handle(self, *args, **options) -> None:
        problems = []
        checked = 0
        closed = Nomination.objects.filter(tally__isnull=False).select_related("tally")
        for nomination in closed.order_by("pk").iterator():
            checked += 1
            try:
                count, head = count_ledger(nomination)
            except NominationError as error:
                problems.append(" ".join(error.messages))
                continue
            tally = nomination.tally
            stored = (tally.electorate, tally.approve, tally.decline, tally.abstain)
            recounted = (count.electorate, count.approve, count.decline, count.abstain)
            if stored != recounted:
                problems.append(
                    f"Nomination #{nomination.pk}: stored tally {stored} differs from the "
                    f"ledger's {recounted} (electorate, approve, decline, abstain)."
                )
            met = quorum_met(nomination.policy, count)
            passed = vote_passes(nomination.policy, count)
            if (tally.quorum_met, tally.passed) != (met, passed):
                problems.append(
                    f"Nomination #{nomination.pk}: stored result (quorum met {tally.quorum_met}, "
                    f"passed {tally.passed}) differs from the ledger's ({met}, {passed})."
                )
            if head != tally.ledger_head:
                problems.append(
                    f"Nomination #{nomination.pk}: the ledger head changed after the close."
                )
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} closed tallies.")
        self.stdout.write(self.style.SUCCESS(f"Recounted {checked} closed tallies: all match."))
