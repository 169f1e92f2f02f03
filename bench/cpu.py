"""The CPU each benchmarked page costs, measured in one process: steadier than `make bench` on a
machine that other work shares, since it counts only this process and its PostgreSQL backend.

    SCALE=1 python bench/cpu.py [ROUNDS [PAGE]]

Uses the bench's settings and database (run `make bench` once first, to create and seed it), and
collects the static files the pages link. Each
page is requested through Django's handler and the full middleware stack, as the site's own
client would: cookies carry the prepared sessions, the vote POST carries its CSRF token and cycles
through every voter. PAGE measures only the pages whose name contains it, beside the constant
view. For each page it prints the median over ROUNDS (default 3) of the CPU per
request in this process (app) and in its PostgreSQL backend (db), the spread (min-max of app+db),
the queries one request makes, and app+db as a multiple of the constant view's. Redis's own CPU
is not counted (a handful of GETs a request).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ENV

WARM_UP = 10


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core import signals
    from django.core.management import call_command
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.prepare import prepare

    # The pages link static files by the names in the collected manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    # One connection for the whole run, so its backend's CPU can be read from /proc.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    data = prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    sessions = list(zip(data["sessions"], data["csrf"], strict=True))
    counter = iter(range(10**9))

    def get(path, session=None):
        def request():
            client.cookies.clear()
            if session:
                client.cookies["sessionid"] = session
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return request

    def vote(path):
        def request():
            n = next(counter)
            key, secret = sessions[n % len(sessions)]
            choice = "approve" if (n // len(sessions)) % 2 == 0 else "decline"
            client.cookies.clear()
            client.cookies["sessionid"] = key
            client.cookies["csrftoken"] = secret
            response = client.post(path, {"choice": choice, "csrfmiddlewaretoken": secret})
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"] == path.removesuffix("vote/"), response["Location"]

        return request

    reader = data["reader"]
    pages = [
        ("ceiling (constant view)", get("/bench/ceiling"), 2000),
        ("ceiling, signed in (core)", get("/bench/ceiling", reader), 500),
        ("public meeting page", get(f"/meetings/{data['meeting']}/"), 500),
        ("/modules/", get("/modules/"), 500),
        ("/modules/<slug>/", get(f"/modules/{data['module']}/"), 500),
        ("search (anonymous)", get(f"/meetings/search/?q={data['search']}"), 500),
        ("dashboard (core, signed in)", get("/nominations/", reader), 40),
        ("nomination, 20 evidence", get(f"/nominations/{data['nomination']}/", reader), 40),
        (f"vote POST ({data['voters']} voters)", vote(f"/nominations/{data['vote']}/vote/"), 80),
    ]
    pages = [pages[0], *(page for page in pages[1:] if only in page[0])]
    results = {name: [] for name, _, _ in pages}
    queries = {}
    for name, request, _ in pages:
        for _ in range(WARM_UP):
            request()
        with CaptureQueriesContext(connection) as captured:
            request()
        queries[name] = len(captured)
    for _ in range(rounds):
        for name, request, count in pages:
            app, db = time.process_time(), backend_cpu_seconds(backend)
            for _ in range(count):
                request()
            app = (time.process_time() - app) * 1000 / count
            db = (backend_cpu_seconds(backend) - db) * 1000 / count
            results[name].append((app, db))
    ceiling = statistics.median(app + db for app, db in results[pages[0][0]])
    print(f"scale {os.environ.get('SCALE', '1')}, {rounds} rounds; ms of CPU per request")
    print(f"{'page':40} {'app':>7} {'db':>7} {'total':>7} {'spread':>13} {'x const':>8} {'q':>4}")
    for name, runs in results.items():
        totals = [app + db for app, db in runs]
        print(
            f"{name:40} {statistics.median(a for a, _ in runs):7.2f} "
            f"{statistics.median(d for _, d in runs):7.2f} {statistics.median(totals):7.2f} "
            f"{min(totals):6.2f}-{max(totals):6.2f} {statistics.median(totals) / ceiling:8.1f} "
            f"{queries[name]:>4}"
        )


if __name__ == "__main__":
    main()
