"""A server error while handling private text sends the admins a report, and logs one, without
that text: evidence, ballot comments, feedback, withdrawal reasons, the password at sign-in.

The error is forced inside the real service, after it holds the text (its audit write fails), so
the report walks every real frame: the view, its form's cleaned data, the service's locals."""

import logging

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter

from nominations.models import Choice, Criterion, Outcome
from nominations.services import intake, outcome, voting
from tests.security.conftest import canary

pytestmark = pytest.mark.django_db

SECRET = canary("errorreport")
PASSWORD_TYPED = canary("typedpassword")
FORCED = "The audit log is down (forced by the test)."
OPERATORS = [("Operators", "operators@governance.example.org")]


def fail(**kwargs) -> None:
    raise RuntimeError(FORCED)


def failing_post(user, path: str, data: dict) -> tuple:
    """POST `data` as `user`, which fails with a 500; the django.request log record it leaves."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    records: list[logging.LogRecord] = []
    capture = logging.Handler()
    capture.emit = records.append
    request_logger = logging.getLogger("django.request")
    request_logger.addHandler(capture)
    try:
        with override_settings(ADMINS=OPERATORS):
            response = client.post(path, data)
    finally:
        request_logger.removeHandler(capture)
    assert response.status_code == 500
    (record,) = [r for r in records if r.exc_info and r.levelno == logging.ERROR]
    return response, record


def everything_reported(record: logging.LogRecord) -> str:
    """The log line with its traceback, the admins' email, and the full HTML report (every
    frame's local variables), as `AdminEmailHandler(include_html=True)` would send it."""
    (email,) = mail.outbox
    assert email.to == ["operators@governance.example.org"]
    html = ExceptionReporter(record.request, *record.exc_info).get_traceback_html()
    return "\n".join([logging.Formatter().format(record), email.subject, email.body, html])


def full_html_report_in_debug(record: logging.LogRecord) -> str:
    """The same report on a developer's machine (DEBUG on, nothing hidden): proof that the
    private text really sat in the frames the production report walks."""
    with override_settings(DEBUG=True):
        return ExceptionReporter(record.request, *record.exc_info).get_traceback_html()


CASES = {
    "evidence": (
        "nominations:evidence_add",
        intake,
        {"criterion": Criterion.QUALITY, "body": SECRET},
    ),
    "ballot": ("nominations:vote", voting, {"choice": Choice.APPROVE, "comment": SECRET}),
    "feedback": (
        "nominations:feedback_save",
        outcome,
        {"to_nominee": SECRET, "to_nominators": SECRET},
    ),
    "withdrawal": ("nominations:withdraw", outcome, {"reason": SECRET}),
}


@pytest.fixture
def nomination_for(build):
    def make(case: str):
        if case == "evidence":
            return build.opened(nominee=build.person("Lin Chen", "lchen"))
        if case == "feedback":
            return build.decided(outcome=Outcome.DECLINED, release=False)
        return build.voting(nominee=build.person("Sofia Rossi", "srossi"))

    return make


@pytest.mark.parametrize("case", CASES)
def test_it_keeps_private_text_out_of_error_reports_and_logs(
    build, nomination_for, monkeypatch, case
):
    url_name, service_module, data = CASES[case]
    nomination = nomination_for(case)
    monkeypatch.setattr(service_module, "audit_record", fail)

    response, record = failing_post(build.core1, reverse(url_name, args=[nomination.pk]), data)

    reported = everything_reported(record)
    assert FORCED in reported
    assert SECRET in full_html_report_in_debug(record)
    assert SECRET not in reported
    assert SECRET not in response.content.decode()


def test_it_keeps_the_password_typed_at_sign_in_out_of_error_reports(core1, monkeypatch):
    monkeypatch.setattr(AbstractBaseUser, "check_password", lambda user, raw_password: fail())

    response, record = failing_post(
        None, reverse("login"), {"username": core1.username, "password": PASSWORD_TYPED}
    )

    reported = everything_reported(record)
    assert FORCED in reported
    assert PASSWORD_TYPED in full_html_report_in_debug(record)
    assert PASSWORD_TYPED not in reported
    assert PASSWORD_TYPED not in response.content.decode()
