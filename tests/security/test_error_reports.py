"""A server error while handling private text sends the admins a report, and logs one, without
that text: evidence, ballot comments, feedback, withdrawal reasons, meeting notes, the password
at sign-in.

The error is forced inside the real service, after it holds the text (its audit write fails), so
the report walks every real frame: the view, its form's cleaned data, the service's locals."""

import inspect
import logging

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter

from governance.error_reports import PrivateTextReporterFilter
from meetings.models import Visibility
from meetings.services import agenda
from nominations.models import BallotChoice, Criterion, Outcome
from nominations.services import intake, outcome, voting
from tests.conftest import login
from tests.meetings.conftest import add_public_item, new_meeting
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
        login(client, user)
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
    "evidence": (intake, {"criterion": Criterion.QUALITY, "body": SECRET}),
    "ballot": (voting, {"choice": BallotChoice.APPROVE, "comment": SECRET}),
    "feedback": (outcome, {"to_nominee": SECRET, "to_nominators": SECRET}),
    "withdrawal": (outcome, {"reason": SECRET}),
    "meeting notes": (
        agenda,
        {"title": "Roadmap", "visibility": Visibility.PUBLIC, "notes": SECRET},
    ),
}


@pytest.fixture
def address_for(build):
    """The page that takes the case's private text, on an object in the state it needs."""

    def make(case: str) -> str:
        if case == "meeting notes":
            item = add_public_item(build.core1, new_meeting(build.core1))
            return reverse("meetings:item", args=[item.meeting.slug, item.pk])
        if case == "evidence":
            nomination = build.opened(nominee=build.person("Lin Chen", "lchen"))
            return reverse("nominations:evidence_add", args=[nomination.pk])
        if case == "feedback":
            nomination = build.decided(outcome=Outcome.DECLINED, release=False)
            return reverse("nominations:feedback_save", args=[nomination.pk])
        nomination = build.voting(nominee=build.person("Sofia Rossi", "srossi"))
        url_name = {"ballot": "nominations:vote", "withdrawal": "nominations:withdraw"}[case]
        return reverse(url_name, args=[nomination.pk])

    return make


@pytest.mark.parametrize("case", CASES)
def test_it_keeps_private_text_out_of_error_reports_and_logs(build, address_for, monkeypatch, case):
    service_module, data = CASES[case]
    path = address_for(case)
    monkeypatch.setattr(service_module, "audit_record", fail)

    response, record = failing_post(build.core1, path, data)

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


def test_it_hides_private_fields_where_a_view_forgot_its_decorator(rf):
    request = rf.post("/anywhere/", {"criterion": "quality", "body": SECRET, "new_password1": "x"})
    reporter_filter = PrivateTextReporterFilter()

    post = reporter_filter.get_post_parameters(request)

    assert post["criterion"] == "quality"
    assert post["body"] == reporter_filter.cleansed_substitute
    assert post["new_password1"] == reporter_filter.cleansed_substitute


def a_frame_holding_cleaned_data():
    data = {"criterion": "quality", "body": SECRET, "comments": [{"comment": SECRET}]}
    attempts = 3
    return inspect.currentframe(), data, attempts


def test_it_hides_private_variables_and_dictionary_entries_but_keeps_the_rest(rf):
    frame, *_ = a_frame_holding_cleaned_data()
    reporter_filter = PrivateTextReporterFilter()

    shown = dict(reporter_filter.get_traceback_frame_variables(rf.get("/"), frame))

    hidden = reporter_filter.cleansed_substitute
    assert shown["attempts"] == 3
    assert shown["data"] == {
        "criterion": "quality",
        "body": hidden,
        "comments": [{"comment": hidden}],
    }


def test_it_reports_a_structure_that_contains_itself(rf):
    looped: dict = {"criterion": "quality"}
    looped["self"] = looped
    reporter_filter = PrivateTextReporterFilter()

    shown = dict(reporter_filter.get_traceback_frame_variables(rf.get("/"), inspect.currentframe()))

    assert shown["looped"]["criterion"] == "quality"
    assert shown["looped"]["self"]["self"]["criterion"] == "quality"
