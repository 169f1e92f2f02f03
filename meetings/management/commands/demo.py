from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from governance.demo import DEMO_TOTP_SECRET, DemoLoader
from meetings.demo import MeetingDemoLoader
from nominations.demo import NominationDemoLoader


class Command(BaseCommand):
    help = "Load the demo project, its people and the sign-in personas. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG=False. The personas share a known password.",
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG=False: its personas share the password "
                "in DEMO_PASSWORD. Pass --force if this really is a demo site."
            )
        with transaction.atomic():
            DemoLoader(password=settings.DEMO_PASSWORD, log=self.stdout.write).load()
            NominationDemoLoader(log=self.stdout.write).load()
            MeetingDemoLoader(log=self.stdout.write).load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data is loaded. Sign in as lead, core1..core4, maintainer, nominator, "
                "nominee, outsider or staff."
            )
        )
        self.stdout.write(
            "lead, core1..core4 and staff also need a code from an authenticator app set up "
            f"with the demo secret {DEMO_TOTP_SECRET}, or print it with "
            "`manage.py demo_totp <persona>`."
        )
