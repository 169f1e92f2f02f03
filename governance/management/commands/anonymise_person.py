from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import services
from governance.models import Person


class Command(BaseCommand):
    help = (
        "Carry out a privacy request: replace a person's name, handle, email and affiliation "
        "with placeholders, close their account and drop its grants, inbox and sessions. "
        "Ballots, nominations and decisions stay countable. Name the person by GitHub handle, "
        "or by id as #42 (a person listed without a handle)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person", help="GitHub handle, or #<id>")

    def handle(self, *args, person: str, **options) -> None:
        if person.startswith("#") and person[1:].isdigit():
            found = Person.objects.filter(pk=int(person[1:])).first()
        else:
            found = Person.objects.filter(github__iexact=person.lstrip("@")).first()
        if found is None:
            raise CommandError(f"No one on the roster is {person}.")
        try:
            done = services.person_anonymise(actor=None, person=found)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if done.already_done:
            self.stdout.write(f"{done.person.full_name} was already anonymised; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised as {done.person.full_name}: removed {done.grants_removed} grant(s) "
                f"and {done.notifications_removed} notification(s), ended "
                f"{done.sessions_ended} session(s)."
            )
        )
