"""An email backend that a test can hold in the middle of a send.

It writes each message to a file (Django's file backend, one file per connection, and
`send_mail` opens one connection a message), so a test in another process counts deliveries by
counting files. Before it writes, it leaves a `sending-*` marker and waits while a `hold` file
exists: the test sees the marker, knows the worker is inside the send with the outbox row
locked, and kills it there.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import filebased

HOLD_AT_MOST = 60  # seconds; a forgotten hold file must not hang a worker for ever


def hold_file(folder: Path) -> Path:
    return folder / "hold"


def sending_markers(folder: Path) -> list[Path]:
    return sorted(folder.glob("sending-*"))


def delivered(folder: Path) -> list[Path]:
    outbox = folder / "outbox"
    return sorted(outbox.iterdir()) if outbox.exists() else []


class EmailBackend(filebased.EmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.HELD_EMAIL_DIR)
        (folder / f"sending-{os.getpid()}-{time.monotonic_ns()}").touch()
        give_up = time.monotonic() + HOLD_AT_MOST
        while hold_file(folder).exists() and time.monotonic() < give_up:
            time.sleep(0.05)
        return super().send_messages(email_messages)
