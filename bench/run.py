"""`make bench`: load-test the site on PostgreSQL and Redis with wrk, against Django's own ceiling.

Starts gunicorn (2 x cores + 1 workers) on loopback with bench.settings (the site plus a constant
view), seeds `gov_bench` if it is empty, makes sessions for the signed-in pages, runs wrk on each
page for a bounded time, prints requests/s, p50/p95/p99, each page's ratio to the ceiling and the
CPU each request costs the workers and the whole machine, writes bench/results.json, and reports
each worker's memory after the run. The constant view is measured again beside every page, so
that each page's CPU is a multiple of the constant view's measured at the same moment.

Numbers depend on what else runs on the machine; wrk shares its cores with the server.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
# The interpreter running the bench (`make bench` runs .venv's), and the gunicorn beside it.
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
# SCALE=4 seeds four times the default data into a database of its own (gov_bench_x4), so the
# default-scale data stays for the side-by-side comparison.
SCALE = int(os.environ.get("SCALE", "1"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/gov_bench" + ("" if SCALE == 1 else f"_x{SCALE}"),
)
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# The constant view is measured again for this long before each page and after the last: a
# shared machine's speed drifts over a run, and each page's multiple divides by the constant
# view's cost measured beside it (the mean of the runs just before and just after it).
PACE_SECONDS = int(os.environ.get("BENCH_PACE_SECONDS", "5"))
CORES = os.cpu_count() or 1
WORKERS = 2 * CORES + 1
READERS = 16  # concurrent clients on each page
VOTERS = 40  # concurrent voters on the vote POST
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": BASE,
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
    "LOG_LEVEL": "WARNING",
}


def create_database(url: str) -> None:
    """Create the bench's database if the server does not have it yet (a fresh machine)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(*args: str, capture: bool = False) -> str:
    return python("manage.py", *args, capture=capture)


def python(*args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def wrk(path: str, *, connections: int, cookies=(), csrf=(), seconds: int = SECONDS) -> dict:
    env = {**os.environ, "BENCH_COOKIES": "|".join(cookies), "BENCH_CSRF": "|".join(csrf)}
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            f"{BASE}{path}",
        ],
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    line = [line for line in result.stdout.splitlines() if line.startswith("{")][-1]
    stats = json.loads(line)
    stats["rps"] = stats["requests"] / stats["seconds"]
    return stats


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def probe(path: str, *, cookies=(), csrf=()) -> None:
    """One request as wrk will make it, which must get the page itself (200) or, for the vote,
    the redirect back to the nomination: a redirect to sign in or to the two-factor page is a
    3xx too, and would be measured as a fast success."""
    headers, data, expected = {"Accept-Encoding": "gzip, deflate, br, zstd"}, None, (200, "")
    if cookies:
        headers["Cookie"] = f"sessionid={cookies[0]}"
    if csrf:
        headers["Cookie"] += f"; csrftoken={csrf[0]}"
        data = f"choice=approve&csrfmiddlewaretoken={csrf[0]}".encode()
        expected = (302, path.removesuffix("vote/"))
    opener = urllib.request.build_opener(NoRedirects)
    try:
        response = opener.open(urllib.request.Request(f"{BASE}{path}", data, headers), timeout=30)
        status, location = response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        status, location = error.code, error.headers.get("Location", "")
    if (status, location) != expected:
        sys.exit(f"{path} answered {status} {location!r}; the bench expects {expected}")


def worker_rss_mb(master: int) -> list[float]:
    children = subprocess.run(
        ["ps", "-o", "pid=,rss=", "--ppid", str(master)], text=True, capture_output=True
    ).stdout.split()
    return [round(int(rss) / 1024, 1) for rss in children[1::2]]


def worker_cpu_seconds(master: int) -> dict[int, float]:
    """User and system CPU time so far of each gunicorn worker."""
    pids = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], text=True, capture_output=True
    ).stdout.split()
    seconds = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # it exited meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        seconds[int(pid)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def machine_busy_seconds() -> float:
    """CPU time every core has spent on anything but waiting (all processes and the kernel)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time spent on one page's run, per request: in the gunicorn workers, and on the whole
    machine (workers, PostgreSQL, Redis, wrk, the kernel). With every client waiting on the same
    two cores, a page's latency follows from what each request costs them."""

    def __init__(self, master: int) -> None:
        self.master = master

    def start(self) -> None:
        self.workers = worker_cpu_seconds(self.master)
        self.machine = machine_busy_seconds()

    def per_request_ms(self, requests: int) -> dict[str, float]:
        workers = worker_cpu_seconds(self.master)
        spent = sum(seconds - self.workers.get(pid, 0.0) for pid, seconds in workers.items())
        machine = machine_busy_seconds() - self.machine
        return {
            "app_cpu_ms": round(spent * 1000 / max(requests, 1), 2),
            "machine_cpu_ms": round(machine * 1000 / max(requests, 1), 2),
        }


def add_multiples(rows: list[dict], constant_view_ms: list[float]) -> None:
    """Each page's all-machine CPU per request as a multiple of the constant view's, measured
    just before and just after it (`constant_view_ms` has one more entry than `rows`; the mean
    of the two): on a shared machine, whose speed drifts over a run, a page compared with one
    constant-view run minutes away takes on the drift."""
    for row, before, after in zip(rows, constant_view_ms[:-1], constant_view_ms[1:], strict=True):
        row["constant_ms"] = round((before + after) / 2, 2)
        row["cpu_multiple"] = round(row["machine_cpu_ms"] / row["constant_ms"], 2)


def wait_until_up(server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("gunicorn exited on start")
        try:
            urllib.request.urlopen(f"{BASE}/bench/ceiling", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer")


def main() -> None:
    create_database(DATABASE_URL)
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    if "empty" in manage(
        "shell",
        "-c",
        "from governance.models import Person; "
        "print('seeded' if Person.objects.exists() else 'empty')",
        capture=True,
    ):
        python("-m", "bench.seed", "--scale", str(SCALE))
    prepared = manage("shell", "-c", "from bench.prepare import main; main()", capture=True)
    data = json.loads(prepared.splitlines()[-1])
    nomination = data["nomination"]
    reader = [data["reader"]]
    pages = [
        ("ceiling (constant view)", "/bench/ceiling", READERS, {}),
        # The same view for a signed-in core maintainer: what the session, the user, the second
        # factor and the middleware cost before any page does its own work.
        ("ceiling, signed in (core)", "/bench/ceiling", READERS, {"cookies": reader}),
        ("public meeting page", f"/meetings/{data['meeting']}/", READERS, {}),
        ("/modules/", "/modules/", READERS, {}),
        ("/modules/<slug>/", f"/modules/{data['module']}/", READERS, {}),
        ("search (anonymous)", f"/meetings/search/?q={data['search']}", READERS, {}),
        ("dashboard (core, signed in)", "/nominations/", READERS, {"cookies": reader}),
        (
            "nomination, 20 evidence (signed in)",
            f"/nominations/{nomination}/",
            READERS,
            {"cookies": reader},
        ),
        (
            f"vote POST ({data['voters']} voters)",
            f"/nominations/{data['vote']}/vote/",
            VOTERS,
            {"cookies": data["sessions"], "csrf": data["csrf"]},
        ),
    ]
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "governance.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    results = []
    try:
        wait_until_up(server)
        meter = CpuMeter(server.pid)

        def constant_view_cpu_ms() -> float:
            meter.start()
            stats = wrk("/bench/ceiling", connections=READERS, seconds=PACE_SECONDS)
            return meter.per_request_ms(stats["requests"])["machine_cpu_ms"]

        constant_view_ms = []
        for name, path, connections, auth in pages:
            # Also a warm-up: it fills the page cache.
            probe(path, **auth)
            constant_view_ms.append(constant_view_cpu_ms())
            meter.start()
            stats = wrk(path, connections=connections, **auth)
            stats.update(meter.per_request_ms(stats["requests"]))
            results.append({"page": name, "path": path, "connections": connections, **stats})
        constant_view_ms.append(constant_view_cpu_ms())
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ceiling = results[0]["rps"]
    add_multiples(results, constant_view_ms)
    print(
        f"\n{WORKERS} gunicorn workers on {CORES} cores, wrk on the same machine, {SECONDS} s a page, "
        f"data at scale {SCALE}"
    )
    print(
        f"{'page':40} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'ratio':>6} {'app CPU':>8} {'all CPU':>8} {'const':>6} {'x const':>8}"
    )
    for row in results:
        row["ratio"] = round(row["rps"] / ceiling, 3)
        print(
            f"{row['page']:40} {row['connections']:>5} {row['rps']:>8.1f} {row['p50']:>8.1f} "
            f"{row['p95']:>8.1f} {row['p99']:>8.1f} {row['errors'] + row['non_2xx_3xx']:>6} "
            f"{row['ratio']:>6.2f} {row['app_cpu_ms']:>8.2f} {row['machine_cpu_ms']:>8.2f} "
            f"{row['constant_ms']:>6.2f} {row['cpu_multiple']:>8.1f}"
        )
    print(
        "app CPU / all CPU: ms of CPU per request in the gunicorn workers / on the whole machine; "
        "const: the constant view's all CPU, measured for "
        f"{PACE_SECONDS} s just before and just after the page (mean); "
        "x const: all CPU as a multiple of it"
    )
    print(
        "the constant view's all CPU over the run (ms): "
        f"{min(constant_view_ms):.2f}-{max(constant_view_ms):.2f}"
    )
    print(f"worker RSS after the run (MB): {rss}")
    (ROOT / "bench" / ("results.json" if SCALE == 1 else f"results-x{SCALE}.json")).write_text(
        json.dumps(
            {
                "workers": WORKERS,
                "cores": CORES,
                "seconds": SECONDS,
                "scale": SCALE,
                "pages": results,
                "worker_rss_mb": rss,
            },
            indent=2,
        )
        + "\n"
    )
    failed = {row["page"]: row["errors"] + row["non_2xx_3xx"] for row in results}
    failed = {page: count for page, count in failed.items() if count}
    if failed:
        # A page that answers with errors is fast for the wrong reason; the run does not count.
        sys.exit(f"Requests that did not succeed (socket errors or non-2xx/3xx): {failed}")


if __name__ == "__main__":
    main()
