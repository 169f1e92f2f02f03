"""The pull request that keeps the repository's maintainer files in line with the roster,
against a fake GitHub on loopback: what starts it, what it writes, and how it behaves when
GitHub fails, limits or loses an answer."""

import datetime
import io
import logging
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance import repository_sync, services
from governance.models import AuditEvent, RepositorySync
from governance.roster_files import GENERATED_NOTICE
from governance.services.repository_sync import repository_files
from tests.integrations.conftest import TOKEN

pytestmark = pytest.mark.django_db

SYNC_BRANCH = "governance/maintainer-files"
ANY_PULL = r".*/pulls"


def make_due() -> None:
    RepositorySync.objects.update_or_create(
        pk=RepositorySync.SINGLETON_PK,
        defaults={"due_at": timezone.now() - datetime.timedelta(seconds=1)},
    )


def sync_row() -> RepositorySync:
    return RepositorySync.objects.get(pk=RepositorySync.SINGLETON_PK)


def add_rule(name: str = "Core Maintainers") -> None:
    services.merge_rule_create(actor=None, name=name, patterns="*", approved_by="octocat")


def test_it_marks_nothing_due_while_github_is_not_configured(module):
    add_rule()

    assert not RepositorySync.objects.exists()
    assert services.repository_sync_run(force=True) is None


def test_it_marks_the_sync_due_a_debounce_after_each_change(github_settings, module):
    before = timezone.now()
    add_rule()
    services.person_create(actor=None, full_name="Not A File Change", github="someone")

    due_at = sync_row().due_at
    debounce = datetime.timedelta(seconds=github_settings.GITHUB_SYNC_DEBOUNCE_SECONDS)
    assert before + debounce <= due_at <= timezone.now() + debounce
    assert repository_sync.alters_repository_files("role.emeritus")
    assert not repository_sync.alters_repository_files("person.created")
    assert not services.repository_sync_is_due()


def move_maintainer_to_emeritus(module, maintainer) -> None:
    role = maintainer.person.roles.get()
    services.role_make_emeritus(actor=None, role=role, reason="Inactive for a year.")


def revise_taxonomy(module, maintainer) -> None:
    services.taxonomy_revise(
        actor=None,
        title="Rename",
        reason="Clearer.",
        decided_on=datetime.date(2026, 11, 1),
        steps=[services.ModuleRename(module=module, name="Neural Networks")],
    )


def change_export_settings(module, maintainer) -> None:
    services.export_settings_update(actor=None, data={"mandatory_checks": "Lint"})


@pytest.mark.parametrize(
    "change", [move_maintainer_to_emeritus, revise_taxonomy, change_export_settings]
)
def test_it_marks_the_sync_due_after_each_kind_of_change(
    github_settings, module, maintainer, change
):
    RepositorySync.objects.filter(pk=RepositorySync.SINGLETON_PK).delete()

    change(module, maintainer)

    assert sync_row().due_at > timezone.now()


def test_it_opens_one_pull_request_with_every_configured_file(fake_github, github_settings, module):
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert len(fake_github.pulls) == 1
    pull = fake_github.pulls[0]
    assert (pull["head"]["ref"], pull["base"]["ref"]) == (SYNC_BRANCH, "main")
    files = fake_github.files_on(SYNC_BRANCH)
    assert files == repository_files()
    assert set(files) == {
        "docs/persons_of_interest.rst",
        ".github/merge_rules.yaml",
        "CODEOWNERS",
        f"owners/{module.slug}/OWNERS",
    }
    assert "- name: Core Maintainers" in files[".github/merge_rules.yaml"]
    assert fake_github.count("POST", r".*/git/commits") == 1  # one commit for every file
    event = AuditEvent.objects.get(verb="merge_rule.created")
    assert f"merge rule added, {event.target_label} (audit event {event.pk})" in pull["body"]
    assert (row.pull_request_number, row.due_at, row.running_until) == (1, None, None)
    assert row.pull_request_url.endswith("/pull/1")
    assert row.last_synced_at is not None
    assert row.last_error == ""
    assert AuditEvent.objects.filter(verb="repository_sync.opened").count() == 1


def test_it_updates_the_open_pull_request_instead_of_opening_another(
    fake_github, github_settings, module
):
    add_rule()
    make_due()
    services.repository_sync_run()
    add_rule("Superusers")
    make_due()

    services.repository_sync_run()

    assert len(fake_github.pulls) == 1
    assert "- name: Superusers" in fake_github.files_on(SYNC_BRANCH)[".github/merge_rules.yaml"]
    body = fake_github.pulls[0]["body"]
    assert body.count("merge rule added") == 2
    head = fake_github.commits[fake_github.branches[SYNC_BRANCH]]
    assert head["parents"] == [fake_github.branches["main"]]  # one commit on top of main


def test_it_opens_no_pull_request_when_the_repository_already_matches(
    fake_github, github_settings, module
):
    add_rule()
    fake_github.branches["main"] = fake_github.commit_files(
        repository_files(), parents=[fake_github.branches["main"]], message="by hand"
    )
    make_due()

    row = services.repository_sync_run()

    assert fake_github.pulls == []
    assert fake_github.count("POST", r".*/git/commits") == 0
    assert SYNC_BRANCH not in fake_github.branches
    assert row.due_at is None
    assert row.last_synced_at is not None
    assert row.changes_after_event == AuditEvent.objects.latest("pk").pk


def test_it_lists_only_the_changes_since_the_last_merged_pull_request(
    fake_github, github_settings, module
):
    add_rule()
    make_due()
    services.repository_sync_run()
    fake_github.merge(1)
    add_rule("Superusers")
    make_due()

    row = services.repository_sync_run()

    assert [pull["state"] for pull in fake_github.pulls] == ["closed", "open"]
    body = fake_github.pulls[1]["body"]
    assert body.count("merge rule added") == 1
    superusers = AuditEvent.objects.filter(verb="merge_rule.created").latest("pk")
    assert f"(audit event {superusers.pk})" in body
    assert row.pull_request_number == 2


def test_it_does_nothing_before_the_change_has_settled(fake_github, github_settings, module):
    add_rule()  # due two minutes from now

    assert services.repository_sync_run() is None
    assert fake_github.requests == []


def test_it_reports_a_refused_token_clearly_without_retrying(fake_github, github_settings, module):
    github_settings.GITHUB_TOKEN = "revoked-token-0123456789"
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert len(fake_github.requests) == 1  # no retry storm
    assert (
        row.last_error == "GitHub answered 401: Bad credentials. Check the token or the GitHub App."
    )
    assert "revoked-token" not in row.last_error
    assert row.due_at is None  # waits for the configuration, or the next change
    assert (row.failures, row.running_until) == (1, None)
    assert fake_github.pulls == []


def test_it_retries_server_errors_with_backoff(fake_github, github_settings, module):
    fake_github.fail("POST", r".*/git/trees", 502, times=2)
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert fake_github.count("POST", r".*/git/trees") == 3
    assert len(fake_github.pulls) == 1
    assert row.last_error == ""


def test_it_keeps_the_sync_due_when_the_server_errors_outlast_the_retries(
    fake_github, github_settings, module
):
    fake_github.fail("GET", r".*/git/refs?/heads/main", 503, times=10)
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert fake_github.count("GET", r".*/git/refs?/heads/main") == 4  # the call and 3 retries
    assert row.last_error.startswith("GitHub could not be reached")
    assert row.due_at > timezone.now() + datetime.timedelta(seconds=50)  # backs off
    assert (row.failures, row.running_until) == (1, None)


def test_it_retries_a_call_that_times_out(fake_github, github_settings, module):
    github_settings.GITHUB_TIMEOUT_SECONDS = 1
    hold = fake_github.hold("GET", r".*/git/refs?/heads/main")
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert hold.reached.is_set()
    assert fake_github.count("GET", r".*/git/refs?/heads/main") == 2
    assert len(fake_github.pulls) == 1
    assert row.last_error == ""


def test_it_waits_out_a_secondary_rate_limit(fake_github, github_settings, module):
    fake_github.fail(
        "POST",
        ANY_PULL,
        403,
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        headers={"Retry-After": "1"},
    )
    add_rule()
    make_due()
    started = time.monotonic()

    row = services.repository_sync_run()

    assert time.monotonic() - started >= 1
    assert fake_github.count("POST", ANY_PULL) == 2
    assert len(fake_github.pulls) == 1
    assert row.last_error == ""


def test_it_gives_the_worker_back_until_a_distant_rate_limit_reset(
    fake_github, github_settings, module
):
    reset = int(time.time()) + 3600
    fake_github.fail(
        "GET",
        r".*/git/refs?/heads/main",
        403,
        {"message": "API rate limit exceeded for installation ID 1."},
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert fake_github.count("GET", r".*/git/refs?/heads/main") == 1
    assert row.last_error.startswith("GitHub's rate limit allows the next call in")
    assert abs(row.due_at.timestamp() - reset) < 5  # tried again once the limit resets
    assert fake_github.pulls == []


def test_it_finds_the_pull_request_whose_creation_answer_was_lost(
    fake_github, github_settings, module
):
    # GitHub opened the pull request but its answer never arrived: the retried create is
    # refused (one open pull request per head), and the sync finds the one that exists.
    fake_github.hold("POST", ANY_PULL)
    github_settings.GITHUB_TIMEOUT_SECONDS = 1
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert fake_github.count("POST", ANY_PULL) == 2
    assert len(fake_github.pulls) == 1
    assert row.pull_request_number == 1
    assert row.last_error == ""


def test_it_never_logs_the_token(fake_github, github_settings, module, caplog):
    caplog.set_level(logging.DEBUG)
    fake_github.fail("POST", ANY_PULL, 502)
    add_rule()
    make_due()

    services.repository_sync_run()

    assert len(fake_github.pulls) == 1
    assert "POST" in caplog.text  # the client's own debug log ran, and named the calls
    assert TOKEN not in caplog.text


def test_it_syncs_now_from_the_command_line(fake_github, github_settings, module):
    add_rule()  # not yet due: the command does not wait for the debounce
    output = io.StringIO()

    call_command("sync_repository_files", stdout=output)

    assert (
        output.getvalue().strip() == "Pull request: https://github.example/example/project/pull/1"
    )
    assert len(fake_github.pulls) == 1


def test_it_fails_the_command_with_githubs_refusal(fake_github, github_settings, module):
    github_settings.GITHUB_TOKEN = "revoked"

    with pytest.raises(CommandError, match="GitHub answered 401: Bad credentials"):
        call_command("sync_repository_files")


def test_it_signs_in_as_a_github_app_installation(fake_github, github_settings, module):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake_github.app_id, fake_github.app_public_key = "4242", key.public_key()
    github_settings.GITHUB_TOKEN = ""
    github_settings.GITHUB_APP_ID = "4242"
    github_settings.GITHUB_APP_INSTALLATION_ID = 77
    github_settings.GITHUB_APP_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    add_rule()
    make_due()

    row = services.repository_sync_run()

    assert fake_github.count("POST", r"/app/installations/77/access_tokens") == 1
    assert len(fake_github.pulls) == 1
    assert row.last_error == ""


def test_it_gives_the_worker_back_when_retry_after_is_long(fake_github, github_settings, module):
    fake_github.fail(
        "POST",
        ANY_PULL,
        403,
        {"message": "You have exceeded a secondary rate limit."},
        headers={"Retry-After": "3600"},
    )
    add_rule()
    make_due()
    started = time.monotonic()

    row = services.repository_sync_run()

    assert time.monotonic() - started < 30  # never slept the hour
    assert row.last_error == "GitHub's rate limit allows the next call in 3600 s."
    due_in = (row.due_at - timezone.now()).total_seconds()
    assert 3500 < due_in <= 3600
    assert fake_github.pulls == []


def test_it_removes_the_owners_file_of_a_module_that_left_and_keeps_hand_written_ones(
    fake_github, github_settings, module
):
    fake_github.branches["main"] = fake_github.commit_files(
        {
            "owners/gone/OWNERS": f"# Gone. {GENERATED_NOTICE}\napprovers: []\n",
            "owners/by-hand/OWNERS": "approvers:\n- someone\n",
            "README.md": f"{GENERATED_NOTICE}\n",
        },
        parents=[fake_github.branches["main"]],
        message="before",
    )
    add_rule()
    make_due()

    services.repository_sync_run()

    files = fake_github.files_on(SYNC_BRANCH)
    assert "owners/gone/OWNERS" not in files
    assert files["owners/by-hand/OWNERS"] == "approvers:\n- someone\n"
    assert "README.md" in files
    assert f"owners/{module.slug}/OWNERS" in files


def test_it_closes_its_pull_request_once_the_base_holds_the_files_anyway(
    fake_github, github_settings, module
):
    add_rule()
    make_due()
    services.repository_sync_run()
    fake_github.branches["main"] = fake_github.commit_files(
        repository_files(), parents=[fake_github.branches["main"]], message="by hand"
    )
    make_due()

    row = services.repository_sync_run()

    assert [pull["state"] for pull in fake_github.pulls] == ["closed"]
    assert (row.pull_request_number, row.pull_request_url) == (None, "")
