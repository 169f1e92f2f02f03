import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from governance.models import Person
from meetings.benchdata import Generator, Sizes


class Command(BaseCommand):
    help = (
        "Fill an empty database with the benchmark data set: a large project's roster, "
        "nominations with evidence and ballot ledgers, meetings with published minutes, and "
        "notifications. Deterministic from --seed and --anchor. Reports the time per table."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 is 300 modules and 5,000 people."
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--anchor",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the data is built around (YYYY-MM-DD); today by default, so open "
            "votes have deadlines ahead.",
        )

    def handle(self, *args, scale: float, seed: int, anchor, **options) -> None:
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if Person.objects.exists():
            raise CommandError("The database already has people; seed an empty database.")
        day = anchor or timezone.localdate()
        start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
        started = time.perf_counter()
        report = Generator(sizes=Sizes.at_scale(scale), seed=seed, anchor=start).run()
        if connection.vendor == "postgresql":
            # Planner statistics and the visibility map, as a database that grew over years has;
            # without them the planner guesses from empty tables and the benchmark measures that.
            # VACUUM cannot run inside a transaction (a test's), where statistics must do.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        total = time.perf_counter() - started
        for table in report.seconds:
            self.stdout.write(
                f"{report.seconds[table]:8.2f} s {report.rows[table]:>9,} rows  {table}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {sum(report.rows.values()):,} rows in {total:.1f} s.")
        )
