"""What only Redis can show: the health check's Redis probe and the Redis broker itself.

Each test asks for the `redis_url` fixture: it skips without REDIS_URL, and fails instead under
REQUIRE_SERVICES=1.
"""

import pytest

from governance import services
from governance.celery import app as celery_app
from governance.models import RoleKind
from tests.conftest import TEST_QUEUE, purge_test_queue

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_it_reports_redis_in_the_health_check(redis_url, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db(transaction=True)
def test_it_publishes_one_send_task_to_redis_on_commit(redis_url, nominee, module):
    purge_test_queue()
    with celery_app.connection_for_write() as conn:
        assert conn.as_uri().startswith("redis://")

        services.role_grant(
            actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
        )

        assert conn.default_channel.queue_declare(TEST_QUEUE).message_count == 1
    purge_test_queue()
