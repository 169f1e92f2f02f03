"""Each maintainer's last activity read from a fake GitHub: commits authored, reviews and
triage; incremental through the cursors, resumable after a failure half-way, within the rate
limits, and shown on the inactivity report with where and when it was read."""

import datetime
import io
import itertools
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance import services
from governance.models import ActivitySource, GitHubActivityCursor, PersonActivity, Role
from governance.roster_parsers.activity import ActivityRecord
from tests.support.fake_github import REPOSITORY

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)
ids = itertools.count(1)


def iso(at: datetime.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def user(login: str) -> dict:
    return {"login": login, "id": sum(map(ord, login)), "type": "User"}


def commit(login: str, at: datetime.datetime) -> dict:
    sha = f"{next(ids):040x}"
    return {
        "sha": sha,
        "commit": {"author": {"name": login, "email": "", "date": iso(at)}, "message": "m"},
        "author": user(login),
    }


def review(login: str, at: datetime.datetime) -> dict:
    return {"id": next(ids), "user": user(login), "submitted_at": iso(at), "state": "APPROVED"}


def comment(login: str, at: datetime.datetime) -> dict:
    return {"id": next(ids), "user": user(login), "created_at": iso(at), "updated_at": iso(at)}


def event(login: str, kind: str, at: datetime.datetime) -> dict:
    return {"id": next(ids), "event": kind, "actor": user(login), "created_at": iso(at)}


def add_pull(fake, updated: datetime.datetime, reviews: list[dict]) -> None:
    number = len(fake.activity_pulls) + 1
    fake.activity_pulls.insert(
        0,
        {
            "number": number,
            "state": "closed",
            "updated_at": iso(updated),
            "url": fake.url(f"/pulls/{number}"),
            "reviews": reviews,
        },
    )


@pytest.fixture
def activity_settings(github_settings):
    github_settings.GITHUB_SYNC_REPOSITORY = ""
    github_settings.GITHUB_ACTIVITY_REPOSITORIES = [REPOSITORY]
    github_settings.GITHUB_ACTIVITY_FIRST_DAYS = 365
    return github_settings


@pytest.fixture
def history(fake_github, maintainer, core1):
    """hsato (the maintainer) committed twice and commented; praman (core1) reviewed and
    labelled; a stranger committed; and a commit older than the first run reads."""
    fake_github.activity_commits = [
        commit("stranger", ago(1)),
        commit("hsato", ago(10)),
        commit("HSato", ago(40)),
        commit("hsato", ago(500)),
    ]
    add_pull(fake_github, ago(400), [review("hsato", ago(400))])
    add_pull(fake_github, ago(5), [review("praman", ago(5))])
    fake_github.activity_comments = [comment("hsato", ago(3))]
    fake_github.activity_events = [
        event("praman", "labeled", ago(2)),
        event("praman", "referenced", ago(2)),  # not triage
    ]
    return fake_github


def activity_of(github: str) -> PersonActivity:
    return PersonActivity.objects.get(person__github=github)


def test_it_records_each_maintainers_last_activity_and_where_it_came_from(
    activity_settings, history
):
    report = services.github_activity_import(actor=None, now=NOW)

    hsato = activity_of("hsato")
    assert hsato.last_active_on == ago(3).date()
    assert (hsato.commits, hsato.reviews, hsato.triaged_issues) == (2, 0, 1)
    assert (hsato.source, hsato.source_detail) == (ActivitySource.GITHUB, REPOSITORY)
    praman = activity_of("praman")
    assert praman.last_active_on == ago(2).date()
    assert (praman.commits, praman.reviews, praman.triaged_issues) == (0, 1, 1)
    assert report.unknown_logins == {"stranger"}
    assert report.errors == []
    assert set(GitHubActivityCursor.objects.values_list("repository", "stream", "read_until")) == {
        (REPOSITORY, stream, NOW) for stream in ("commits", "reviews", "triage")
    }
    # The reviews stream stopped at the first pull request older than the window.
    assert history.count("GET", r".*/pulls/\d+/reviews") == 1


def test_it_reads_only_what_is_new_on_the_next_run(activity_settings, history):
    services.github_activity_import(actor=None, now=NOW)
    history.activity_commits.insert(0, commit("hsato", NOW + datetime.timedelta(hours=1)))
    later = NOW + datetime.timedelta(hours=2)

    services.github_activity_import(actor=None, now=later)
    services.github_activity_import(actor=None, now=later + datetime.timedelta(hours=1))

    hsato = activity_of("hsato")
    assert hsato.commits == 3  # two from the first run, one new; none counted twice
    assert hsato.last_active_on == NOW.date()
    commit_queries = [
        args
        for method, path, args in history.arguments
        if path.endswith("/commits") and "page" not in args  # first pages only
    ]
    assert [query["since"] for query in commit_queries] == [
        iso(NOW - datetime.timedelta(days=365)),
        iso(NOW),
        iso(later),
    ]


def test_it_resumes_after_a_failure_half_way_without_counting_twice(activity_settings, history):
    history.fail("GET", r".*/pulls", 502, times=10)

    report = services.github_activity_import(actor=None, now=NOW)

    assert report.errors == [f"{REPOSITORY} (reviews): GitHub could not be reached (RetryError)."]
    assert report.windows == [f"{REPOSITORY} commits"]
    assert activity_of("hsato").commits == 2
    assert not PersonActivity.objects.filter(person__github="praman").exists()
    history.faults.clear()

    services.github_activity_import(actor=None, now=NOW + datetime.timedelta(hours=1))

    hsato, praman = activity_of("hsato"), activity_of("praman")
    assert (hsato.commits, hsato.triaged_issues) == (2, 1)
    assert (praman.reviews, praman.triaged_issues) == (1, 1)
    assert (
        GitHubActivityCursor.objects.filter(read_until=NOW + datetime.timedelta(hours=1)).count()
        == 3
    )


def test_it_stops_at_a_refused_token_after_one_call(activity_settings, history):
    activity_settings.GITHUB_TOKEN = "revoked-token"

    report = services.github_activity_import(actor=None, now=NOW)

    assert len(history.requests) == 1
    assert report.errors == [
        f"{REPOSITORY} (commits): GitHub answered 401: Bad credentials. "
        "Check the token or the GitHub App."
    ]
    assert not GitHubActivityCursor.objects.exists()
    assert not PersonActivity.objects.exists()


def test_it_waits_out_a_short_rate_limit(activity_settings, history):
    history.fail("GET", r".*/commits", 429, {"message": "slow down"}, headers={"Retry-After": "1"})
    started = time.monotonic()

    report = services.github_activity_import(actor=None, now=NOW)

    assert time.monotonic() - started >= 1
    assert report.errors == []
    assert activity_of("hsato").commits == 2


def test_it_stops_at_a_rate_limit_that_resets_later_and_keeps_what_it_read(
    activity_settings, history
):
    history.fail(
        "GET",
        r".*/issues/comments",
        403,
        {"message": "API rate limit exceeded for user ID 1."},
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 3600)},
    )

    report = services.github_activity_import(actor=None, now=NOW)

    assert len(report.errors) == 1
    assert "rate limit allows the next call in" in report.errors[0]
    assert report.windows == [f"{REPOSITORY} commits", f"{REPOSITORY} reviews"]
    assert not GitHubActivityCursor.objects.filter(stream="triage").exists()


def test_it_keeps_a_files_later_date_and_counts_from_github_on(activity_settings, history):
    services.activity_import(
        actor=None,
        records=[
            ActivityRecord(
                line=2,
                github="hsato",
                last_active_on=ago(1).date(),
                reviews=9,
                commits=50,
                triaged_issues=9,
            )
        ],
    )
    assert activity_of("hsato").source == ActivitySource.FILE

    services.github_activity_import(actor=None, now=NOW)

    hsato = activity_of("hsato")
    assert hsato.last_active_on == ago(1).date()
    assert (hsato.commits, hsato.reviews, hsato.triaged_issues) == (2, 0, 1)
    assert hsato.source == ActivitySource.GITHUB


def test_it_reads_github_from_the_command_line(activity_settings, history):
    output = io.StringIO()

    call_command("import_activity", "--from-github", stdout=output)

    lines = output.getvalue().splitlines()
    assert lines[:3] == [
        f"read: {REPOSITORY} {stream}" for stream in ("commits", "reviews", "triage")
    ]
    assert "unknown: @stranger is not on the roster" in lines
    assert lines[-1] == "Read 3 streams from GitHub; activity of 2 people recorded."


def test_it_refuses_the_command_while_github_is_not_configured(db):
    with pytest.raises(CommandError, match="GITHUB_ACTIVITY_REPOSITORIES"):
        call_command("import_activity", "--from-github")


def test_it_says_on_the_inactivity_report_where_and_when_each_figure_was_read(
    activity_settings, history, client_for, maintainer
):
    activity_settings.GITHUB_ACTIVITY_FIRST_DAYS = 800
    history.activity_commits = [commit("hsato", timezone.now() - datetime.timedelta(days=500))]
    history.activity_pulls, history.activity_comments, history.activity_events = [], [], []
    Role.objects.filter(person__github="hsato").update(started_on=datetime.date(2020, 1, 1))
    services.github_activity_import(actor=None)

    page = client_for("core1").get("/reports/inactive/").content.decode()

    read_at = activity_of("hsato").imported_at
    assert f'GitHub ({REPOSITORY}), read <time datetime="{read_at.isoformat()}' in page
