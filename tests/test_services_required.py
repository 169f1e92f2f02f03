"""REQUIRE_SERVICES=1 turns "PostgreSQL/Redis/Chromium not available, skip" into a failure.

Runs three real-service tests in a child pytest with neither DATABASE_URL nor REDIS_URL set and
Chromium looked for where it is not: without REQUIRE_SERVICES they skip with a reason; with it
they fail.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBES = [
    "tests/governance/test_postgres.py::test_it_enforces_the_github_format_in_postgresql",
    "tests/governance/test_redis.py::test_it_reports_redis_in_the_health_check",
    "tests/browser/test_walkthrough.py::test_it_sends_the_anonymous_to_sign_in_for_the_inbox",
]
MISSING_CHROMIUM = "/nonexistent/chromium"


def run_probes(**env: str) -> subprocess.CompletedProcess:
    child_env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "REQUIRE_SERVICES", "PYTEST_ADDOPTS"}
    }
    child_env.update(DEBUG="true", GOVERNANCE_TEST_CHROMIUM=MISSING_CHROMIUM, **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:randomly", *PROBES],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_fails_real_service_tests_when_services_are_required():
    # As CI sets it; the other spellings env_bool reads are tests/governance/test_settings_env.py's.
    result = run_probes(REQUIRE_SERVICES="1")

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "3 errors" in output, output
    assert "skipped" not in output, output
    assert "REQUIRE_SERVICES=1 but PostgreSQL is not configured" in output
    assert "REQUIRE_SERVICES=1 but Redis is not configured" in output
    assert f"REQUIRE_SERVICES=1 but Chromium is not installed at {MISSING_CHROMIUM}" in output


def test_it_skips_real_service_tests_with_a_reason_otherwise():
    result = run_probes()

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "3 skipped" in output, output
    assert "PostgreSQL is not configured: set DATABASE_URL=" in output
    assert "Redis is not configured: set REDIS_URL=" in output
    assert f"Chromium is not installed at {MISSING_CHROMIUM}" in output
