"""One setting of the garbage collector for every long-running process of the project (web
workers, the test processes)."""

import gc


def collect_for_a_long_run() -> None:
    """What is loaded by now (Django, the apps, their models; in tests, every test module) lives
    as long as the process: frozen out of the collector's reach, and the collector run less often
    (a page allocates tens of thousands of objects). Measured: the dashboard and a nomination page
    cost 5-14% less CPU on the bench's data; `pytest -n 2 tests/security tests/nominations` spent
    134 s of CPU against 148-156 s. A lower first threshold (10,000) saved less."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)
