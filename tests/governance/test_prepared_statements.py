"""PostgreSQL plans a query the connection keeps running once, not on every request."""

import pytest
from django.db import connection

from governance.models import Module

pytestmark = pytest.mark.django_db


def test_it_has_postgres_plan_a_repeated_query_once_per_connection(postgres):
    for _ in range(6):
        list(Module.objects.filter(slug="planned-once"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "governance_module" WHERE "governance_module"."slug" = $1%'],
        )
        prepared = cursor.fetchone()[0]

    assert prepared == 1
