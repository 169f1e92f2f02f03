"""EXPLAIN ANALYZE every query of the benchmarked pages on the seeded PostgreSQL database, and
name each sequential scan of a large table, with the query that did it.

Run inside Django on the bench database (seeded and migrated):

    DATABASE_URL=.../gov_bench manage.py shell -c "from bench.explain import main; main()"

Pages are rendered in this process through Django's test client, the site cache switched off so
every public page runs its queries. A page's reads happen in a transaction that is rolled back,
as is the vote, so the database is left as it was.
"""

import re
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.prepare import SEARCH_TERM, verify_second_factor
from governance.models import Module, Person, RoleKind, RoleStatus
from meetings.models import MinutesVersion
from nominations.models import Nomination, NominationStatus

LARGE_TABLE_ROWS = 10_000
SLOW_QUERY_MS = 20.0


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())


def explain(sql: str, *, text: bool = False):
    analyze = sql.lstrip().upper().startswith("SELECT")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE {analyze}, FORMAT {'TEXT' if text else 'JSON'}) {sql}")
        rows = cursor.fetchall()
    return "\n".join(row[0] for row in rows) if text else rows[0][0][0]


def pages() -> list[tuple[str, str, object]]:
    User = get_user_model()
    core = User.objects.filter(
        person__roles__kind=RoleKind.CORE_MAINTAINER, person__roles__status=RoleStatus.ACTIVE
    ).first()
    module_maintainer = (
        User.objects.filter(
            person__roles__kind=RoleKind.MODULE_MAINTAINER, person__roles__status=RoleStatus.ACTIVE
        )
        .exclude(person__roles__kind=RoleKind.CORE_MAINTAINER)
        .first()
    )
    nomination = Nomination.objects.filter(status=NominationStatus.VOTING).order_by("pk").first()
    meeting = MinutesVersion.objects.select_related("meeting").order_by("-starts_at").first()
    module = Module.objects.order_by("slug").first()
    person = Person.objects.exclude(github="").order_by("pk").first()
    search = f"/meetings/search/?q={SEARCH_TERM}"
    latest = MinutesVersion.objects.select_related("meeting").order_by("-starts_at")[:5]
    export = "/meetings/export.md?" + "&".join(f"m={v.meeting.slug}" for v in latest)
    return [
        ("home", "/", None),
        ("modules", "/modules/", None),
        ("module", f"/modules/{module.slug}/", None),
        ("person", f"/people/{person.github}/", None),
        ("meetings", "/meetings/", None),
        ("meeting", f"/meetings/{meeting.meeting.slug}/", None),
        ("feed", "/meetings/feed/", None),
        ("calendar", "/meetings/calendar.ics", None),
        ("export.md", export, None),
        ("search (anonymous)", search, None),
        ("announcements", "/announcements/", None),
        ("become a maintainer", "/become-a-maintainer/", None),
        ("dashboard (core)", "/nominations/", core),
        ("dashboard (module maintainer)", "/nominations/", module_maintainer),
        ("nomination (core)", f"/nominations/{nomination.pk}/", core),
        ("inbox (core)", "/inbox/", core),
        ("search (core)", search, core),
        ("export.md (core)", export, core),
        ("action items (core)", "/meetings/action-items/", core),
    ]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    verify_second_factor(session, user)
    session.save()
    return client


def vote_queries() -> list[dict]:
    nomination = Nomination.objects.filter(status=NominationStatus.VOTING).order_by("pk").first()
    voter = nomination.electors.filter(recused=False).select_related("user").first().user
    client = signed_in(voter)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/nominations/{nomination.pk}/vote/", {"choice": "abstain"})
    assert response.status_code == 302, response.status_code
    return captured.captured_queries


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    ALLOWED_HOSTS=["*"],
)
def main() -> None:
    rows = table_rows()
    captured_pages = []
    with transaction.atomic():
        for name, path, user in pages():
            client = Client() if user is None else signed_in(user)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            captured_pages.append((name, captured.captured_queries))
        captured_pages.append(("vote POST", vote_queries()))
        findings = Counter()
        for name, queries in captured_pages:
            total = 0.0
            for query in queries:
                sql = query["sql"]
                if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT)", sql, re.I):
                    continue
                plan = explain(sql)
                ms = plan.get("Execution Time", 0.0)
                total += ms
                scanned = [
                    node["Relation Name"]
                    for node in plan_nodes(plan["Plan"])
                    if node["Node Type"] == "Seq Scan"
                    and rows.get(node["Relation Name"], 0) >= LARGE_TABLE_ROWS
                ]
                findings.update((name, table) for table in scanned)
                if scanned or ms >= SLOW_QUERY_MS:
                    tables = ", ".join(f"{table} ({rows[table]:,} rows)" for table in scanned)
                    print(f"--- {name}: {ms:.1f} ms; sequential scans: {tables or 'none'}")
                    print(sql)
                    print(explain(sql, text=True))
            print(f"{name:32} {len(queries):3} queries {total:8.1f} ms in the database")
        transaction.set_rollback(True)
    print(f"{sum(findings.values())} sequential scans of tables over {LARGE_TABLE_ROWS:,} rows")
