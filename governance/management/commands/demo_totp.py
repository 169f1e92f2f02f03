from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import selectors
from governance.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET, current_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo persona (lead, core1..core4, staff), "
        f"whose authenticator uses the demo secret {DEMO_TOTP_SECRET}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("persona", help="The persona's username, as core1.")

    def handle(self, *args, persona: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to print sign-in codes with DEBUG=False.")
        user = get_user_model().objects.filter(username=persona).first()
        device = selectors.authenticator_of(user) if user else None
        # Only the demo's known secret: this never reads out a real person's codes.
        if device is None or device.key != DEMO_TOTP_KEY:
            raise CommandError(f"{persona} has no demo authenticator. Run `manage.py demo` first.")
        self.stdout.write(current_code(device))
