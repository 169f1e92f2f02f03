"""Settings for a Celery worker that a test starts as a separate process: the project's own,
with three changes the test needs and production must not have.

- Redis gives an unacknowledged message back after `visibility_timeout`; production waits an
  hour (longer than any task), a test cannot, so a killed worker's task returns in seconds.
- The worker takes its tasks from the test process's queue and broker keys, never a
  developer's or another pytest-xdist worker's.
- Emails go through a backend that can be held mid-send, so the test can kill the worker there.
"""

import os

from governance.settings import *  # noqa: F403
from governance.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    # The test process's prefix (tests.conftest.TEST_KEY_PREFIX): the queue it publishes to,
    # and unacknowledged messages of its own only, never another pytest-xdist worker's.
    "global_keyprefix": os.environ["WORKER_KEY_PREFIX"],
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Named by the test (tests.conftest.TEST_QUEUE); importing the conftest here would load models
# before Django is set up.
CELERY_TASK_DEFAULT_QUEUE = os.environ["WORKER_QUEUE"]
CELERY_TASK_DEFAULT_ROUTING_KEY = CELERY_TASK_DEFAULT_QUEUE

EMAIL_BACKEND = "tests.support.held_email_backend.EmailBackend"
HELD_EMAIL_DIR = os.environ["HELD_EMAIL_DIR"]
EMAIL_FILE_PATH = os.path.join(HELD_EMAIL_DIR, "outbox")
