"""A world built once for all the tests of a module (or of a folder: tests/security/world/), for
the tests that all start from it.

Building nominations through the services, as the personas would, costs more than most tests
that read what was built. `built_once` builds in a transaction that stays open while the module
runs and is rolled back after its last test. Each test runs in a savepoint of it
(pytest-django's `db`), so no test sees another's writes; each reads the rows afresh, so none
sees what another changed in memory. Time stays where building left it until the module is done.
A test that closes the database connection (a command run from its command line does, at its
end) cannot run inside it: on PostgreSQL the rest of the module would find the connection closed.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone

from governance.models import Module
from tests.conftest import make_module, make_persona
from tests.nominations.conftest import Build, Clock

# The personas `Build` takes, each built as the root conftest's fixture of that name builds it.
BUILD_PERSONAS = ("lead", "core1", "core2", "core3", "core4", "maintainer", "nominator", "nominee")


@dataclass
class Built:
    clock: Clock
    module: Module
    sent_before: int
    users: dict = field(default_factory=dict)
    world: object = None  # what the module built
    sent_mail: list = field(default_factory=list)

    def persona(self, name: str):
        """The persona's user, made as the root conftest's fixture of that name makes it, the
        first time it is asked for (the order can matter: a meeting published among three core
        maintainers needs fewer approvals than among five)."""
        if name not in self.users:
            self.users[name] = make_persona(get_user_model(), name, self.module)
        return self.users[name]

    @cached_property
    def build(self) -> Build:
        return Build(
            self.clock, **{name: self.persona(name) for name in BUILD_PERSONAS}, module=self.module
        )

    def fresh_build(self, monkeypatch: pytest.MonkeyPatch) -> Build:
        """The `Build` for one test: its personas and module read afresh, so that what a test
        changes on them in memory (a person it anonymises, say) no other test sees, and a clock
        of its own, so that a test that moves time on (past a deadline, say) moves it for itself
        alone."""
        users = get_user_model().objects.in_bulk([self.persona(n).pk for n in BUILD_PERSONAS])
        clock = Clock()
        clock.offset = self.clock.offset
        monkeypatch.setattr(timezone, "now", clock.now)
        return Build(
            clock,
            **{name: users[self.persona(name).pk] for name in BUILD_PERSONAS},
            module=Module.objects.get(pk=self.module.pk),
        )

    def keep_sent_mail(self) -> None:
        """Called once the world is built: the emails sent while building it, which
        pytest-django empties out of `mail.outbox` before each test."""
        self.sent_mail = mail.outbox[self.sent_before :]

    def resend_mail(self) -> None:
        """For each test: the emails sent while building, in `mail.outbox` again."""
        mail.outbox.extend(self.sent_mail)


@contextmanager
def built_once(django_db_blocker) -> Iterator[Built]:
    """For a module-scoped fixture: `module`, the personas on demand and a `Build` of them, in
    the module's transaction, with `timezone.now` on its clock. What is built inside the block
    is rolled back after the module."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        clock = Clock()
        patch.setattr(timezone, "now", clock.now)
        yield Built(clock=clock, module=make_module(), sent_before=len(mail.outbox))
        transaction.set_rollback(True)


def personas_of(world: str, names: Iterable[str]) -> list:
    """Fixtures named after the personas that answer with the user the module-scoped fixture
    `world` built, read afresh for each test (pytest-django's `db` keeps each test's writes to
    itself)."""

    def persona_fixture(name: str):
        @pytest.fixture(name=name)
        def persona(request, db):
            request.getfixturevalue(world)
            return get_user_model().objects.get(username=name)

        return persona

    return [persona_fixture(name) for name in names]
