"""Every page, for the anonymous public and for each signed-in persona."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from governance import services
from governance.models import (
    AuditEvent,
    Module,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
)
from governance.selectors import MIN_MAINTAINERS
from tests.conftest import ALL_VIEWERS, PASSWORD, SIGNED_IN_PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(lead, core1, maintainer, module):
    """A lead, a core maintainer and a module with its maintainer, shown on the public pages."""
    return {"lead": lead, "core1": core1, "maintainer": maintainer, "module": module}


def notify(user, subject: str) -> None:
    services.notification_queue(
        event_key=f"test:{subject}", recipients=[user], subject=subject, body=f"Body: {subject}"
    )


# Public pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_the_home_page(client_for, roster, viewer):
    response = client_for(viewer).get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert roster["lead"].person.full_name in content
    assert roster["core1"].person.full_name in content
    assert "Latest roster changes" in content


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_lists_the_modules(client_for, roster, viewer):
    response = client_for(viewer).get("/modules/")

    assert response.status_code == 200
    module = roster["module"]
    assert module.name in response.content.decode()
    assert module.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_a_module_with_its_maintainers(client_for, roster, viewer):
    module, person = roster["module"], roster["maintainer"].person

    response = client_for(viewer).get(module.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert module.name in content
    assert person.full_name in content
    assert person.get_absolute_url() in content
    assert person.email not in content  # addresses are private
    # One maintainer, fewer than a module needs; the page names the number the selectors use.
    assert f"understaffed</span> Fewer than {MIN_MAINTAINERS} active maintainers." in content


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_a_person_with_their_roles(client_for, roster, viewer):
    person, module = roster["maintainer"].person, roster["module"]

    response = client_for(viewer).get(person.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert person.full_name in content
    assert module.name in content
    assert person.email not in content


EMERITUS_REASON = "QZTYPEDEMERITUSREASONZQ"


def test_it_keeps_the_reason_typed_for_an_emeritus_move_off_every_public_page(
    client_for, roster, lead
):
    """The core maintainers' note says why (a health matter, a dispute); the roster says only
    that the role ended, and when."""
    person, module = roster["maintainer"].person, roster["module"]
    role = person.roles.get()
    services.role_make_emeritus(actor=lead, role=role, reason=EMERITUS_REASON)
    pages = [
        "/",
        "/modules/",
        module.get_absolute_url(),
        person.get_absolute_url(),
        "/exports/",
        "/exports/persons_of_interest.md",
        "/exports/persons_of_interest.rst",
        "/exports/merge_rules.yaml",
        "/exports/CODEOWNERS",
    ]

    shown = {
        (viewer, page): client_for(viewer).get(page) for viewer in ALL_VIEWERS for page in pages
    }

    assert {key: r.status_code for key, r in shown.items() if r.status_code != 200} == {}
    assert [key for key, r in shown.items() if EMERITUS_REASON in r.content.decode()] == []
    assert "Moved to emeritus." in shown[("anonymous", person.get_absolute_url())].content.decode()
    role.refresh_from_db()
    assert (role.end_reason, role.public_end_reason) == (EMERITUS_REASON, "Moved to emeritus.")


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_answers_the_health_check(client_for, viewer, settings):
    response = client_for(viewer).get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert ("redis" in body["checks"]) == bool(settings.REDIS_URL)
    assert "no-store" in response["Cache-Control"]


def test_it_reports_an_unreachable_redis_as_unavailable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unavailable"},
    }


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_the_sign_in_and_reset_forms(client_for, viewer):
    client = client_for(viewer)

    login = client.get("/accounts/login/")
    reset = client.get("/accounts/password_reset/")

    assert login.status_code == reset.status_code == 200
    assert 'name="username"' in login.content.decode()
    assert 'name="email"' in reset.content.decode()


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_the_navigation_each_viewer_needs(client_for, roster, viewer):
    content = client_for(viewer).get("/").content.decode()

    assert ('href="/inbox/"' in content) == (viewer != "anonymous")
    assert ('href="/accounts/login/"' in content) == (viewer == "anonymous")
    assert ('href="/admin/"' in content) == (viewer == "staff")


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_answers_404_for_an_unknown_module_or_person(client_for, viewer):
    client = client_for(viewer)

    for url in ("/modules/no-such-module/", "/people/no-such-person/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Not found" in response.content.decode()


def test_it_answers_404_for_a_person_without_a_handle(client):
    services.person_create(actor=None, full_name="Unlisted")

    assert client.get("/people/Unlisted/").status_code == 404


def test_it_redirects_a_handle_in_another_case_to_the_canonical_one(client, maintainer):
    person = maintainer.person

    response = client.get(f"/people/{person.github.upper()}/")

    assert response.status_code == 301
    assert response["Location"] == person.get_absolute_url()


def test_it_redirects_the_old_slug_of_a_renamed_module(client, core1, module):
    old_url = module.get_absolute_url()
    services.taxonomy_revise(
        actor=core1,
        title="Rename",
        reason="Clearer.",
        decided_on=timezone.localdate(),
        steps=[services.ModuleRename(module=module, name="Neural Networks", slug="nn")],
    )

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == Module.objects.get(pk=module.pk).get_absolute_url()


def test_it_still_shows_a_retired_module_with_where_it_went(client, core1, maintainer, module):
    services.taxonomy_revise(
        actor=core1,
        title="Fold NN",
        reason="Merged.",
        decided_on=timezone.localdate(),
        steps=[
            services.ModuleAdd(name="Neural Networks", slug="neural-networks"),
            services.ModuleMerge(sources=[module], into="neural-networks"),
        ],
    )

    retired = client.get(module.get_absolute_url()).content.decode()
    successor = client.get("/modules/neural-networks/").content.decode()

    assert "was retired" in retired
    assert 'href="/modules/neural-networks/"' in retired
    assert maintainer.person.full_name in successor
    assert f'href="{module.get_absolute_url()}"' in successor


@pytest.mark.parametrize("url", ["/", "/modules/", "/healthz"])
def test_it_refuses_to_change_state_through_public_pages(client, url):
    assert client.post(url).status_code == 405


# The inbox -------------------------------------------------------------------------------------


def test_it_sends_the_anonymous_to_sign_in_for_the_inbox(client, nominee):
    notify(nominee, "Private feedback")

    get = client.get("/inbox/")
    post = client.post("/inbox/")

    assert get.status_code == post.status_code == 302
    assert get["Location"] == "/accounts/login/?next=/inbox/"
    assert b"Private feedback" not in get.content
    assert not Notification.objects.filter(read_at__isnull=False).exists()


@pytest.mark.parametrize("viewer", SIGNED_IN_PERSONAS)
def test_it_marks_the_inbox_private(client_for, viewer):
    response = client_for(viewer).get("/inbox/")

    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("viewer", ["lead", "core1", "maintainer", "outsider", "staff"])
def test_it_never_shows_someone_elses_inbox(client_for, nominee, viewer):
    notify(nominee, "Feedback on your nomination")

    theirs = client_for("nominee").get("/inbox/").content.decode()
    mine = client_for(viewer).get("/inbox/").content.decode()

    assert "Feedback on your nomination" in theirs
    assert "Feedback on your nomination" not in mine
    assert "Body: Feedback" not in mine


def test_it_lists_the_role_a_persona_was_granted(core1_client, core1):
    content = core1_client.get("/inbox/").content.decode()

    assert "You are now Core maintainer" in content
    assert 'class="unread"' in content


def test_it_marks_only_my_inbox_read_on_post(client_for, core1, nominee):
    notify(nominee, "Feedback")
    notify(core1, "Agenda")

    response = client_for("nominee").post("/inbox/", follow=True)

    assert response.redirect_chain == [("/inbox/", 302)]
    assert "Marked 1 as read." in response.content.decode()
    mine = Notification.objects.filter(recipient=nominee, channel=NotificationChannel.INBOX)
    theirs = Notification.objects.filter(recipient=core1, channel=NotificationChannel.INBOX)
    assert not mine.filter(read_at__isnull=True).exists()
    assert not theirs.filter(read_at__isnull=False).exists()


def test_it_changes_nothing_on_get(client_for, nominee):
    notify(nominee, "Feedback")
    before = list(Notification.objects.values_list("pk", "read_at", "sent_at", "attempts"))

    client_for("nominee").get("/inbox/")

    assert list(Notification.objects.values_list("pk", "read_at", "sent_at", "attempts")) == (
        before
    )


def test_it_needs_the_csrf_token_to_mark_read(nominee):
    notify(nominee, "Feedback")
    client = Client(enforce_csrf_checks=True)
    client.force_login(nominee)

    response = client.post("/inbox/")

    assert response.status_code == 403
    assert not Notification.objects.filter(read_at__isnull=False).exists()


# Signing in ------------------------------------------------------------------------------------


def test_it_signs_in_with_the_form_and_returns_to_next(client, nominee):
    # A persona without two-factor sign-in: the second step is tested in test_two_factor.py.
    response = client.post(
        "/accounts/login/?next=/inbox/",
        {"username": nominee.username, "password": PASSWORD, "next": "/inbox/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200


def test_it_never_redirects_off_site_after_sign_in(client, core1):
    response = client.post(
        "/accounts/login/",
        {"username": core1.username, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    # A core maintainer's landing page (tests/accounts/test_landing.py).
    assert response["Location"] == "/nominations/"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": "", "password": ""},
        {"username": "core1", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "x" * 5000, "password": "y" * 5000},
        {"username": "core1\x00", "password": "\x00"},
        {"username": ["core1", "lead"], "password": [PASSWORD, PASSWORD]},
        {"username": "core1' OR '1'='1", "password": "' OR '1'='1"},
        b"username=%ED%A0%80%FF&password=%C0%AF",
    ],
    ids=[
        "empty",
        "blank",
        "wrong-password",
        "unknown-user",
        "huge",
        "nul",
        "repeated",
        "sql",
        "invalid-utf8",
    ],
)
def test_it_answers_malformed_sign_in_with_a_form_error(client, core1, data):
    client.raise_request_exception = False
    if isinstance(data, bytes):
        response = client.post(
            "/accounts/login/", data, content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post("/accounts/login/", data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_tell_a_wrong_password_from_an_unknown_user(client, core1):
    wrong = client.post("/accounts/login/", {"username": core1.username, "password": "nope"})
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "nope"})

    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_it_resets_a_password_by_email(client, nominee, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": nominee.email})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [nominee.email]
    assert "\n" not in email.subject
    assert nominee.username in email.body
    link = re.search(rf"{settings.SITE_URL}(/accounts/reset/\S+/)", email.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    new_password = "a brand new passphrase 42"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert (done.status_code, done["Location"]) == (302, "/accounts/reset/done/")

    assert Client().login(username=nominee.username, password=new_password)
    assert not Client().login(username=nominee.username, password=PASSWORD)
    assert client.get(link, follow=True).context["validlink"] is False  # used once


@override_settings(
    SITE_URL="https://governance.example.org", ALLOWED_HOSTS=["testserver", "evil.example.com"]
)
def test_it_builds_the_reset_link_from_the_site_url_not_the_host_header(
    client, nominee, mailoutbox
):
    response = client.post(
        "/accounts/password_reset/", {"email": nominee.email}, headers={"host": "evil.example.com"}
    )

    assert response.status_code == 302
    (email,) = mailoutbox
    assert "evil.example.com" not in email.subject + email.body
    links = re.findall(r"\w+://[^/\s]+", email.body)
    assert links == ["https://governance.example.org"]


def test_it_sends_no_reset_email_to_an_unknown_address(client, nominee, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []


# The admin -------------------------------------------------------------------------------------

ADMIN_URLS = ("/admin/", "/admin/governance/person/", "/admin/governance/notification/")


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "nominee", "maintainer", "core1"])
def test_it_keeps_the_admin_from_everyone_but_staff(client_for, roster, nominee, viewer):
    notify(nominee, "Private feedback")
    client = client_for(viewer)

    for url in ADMIN_URLS:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={url}"
        followed = client.get(url, follow=True).content.decode()
        assert roster["maintainer"].person.full_name not in followed
        assert "Private feedback" not in followed


def test_it_opens_the_admin_to_staff_without_showing_message_bodies(staff_client, roster, nominee):
    notify(nominee, "Private feedback")

    people = staff_client.get("/admin/governance/person/")
    outbox = staff_client.get("/admin/governance/notification/")
    row = Notification.objects.get(recipient=nominee, channel=NotificationChannel.EMAIL)
    detail = staff_client.get(f"/admin/governance/notification/{row.pk}/change/")

    assert people.status_code == outbox.status_code == detail.status_code == 200
    assert roster["maintainer"].person.full_name in people.content.decode()
    assert "Private feedback" in outbox.content.decode()  # the subject, for delivery state
    assert "Body: Private feedback" not in detail.content.decode()


def test_it_adds_a_person_through_the_admin_via_the_service(staff_client, staff):
    response = staff_client.post(
        "/admin/governance/person/add/",
        {"full_name": "Grace Mensah", "github": "gmensah", "email": "", "affiliation": ""},
    )

    assert response.status_code == 302
    person = Person.objects.get(github="gmensah")
    event = AuditEvent.objects.get(verb="person.created", target_id=str(person.pk))
    assert event.actor == staff


def test_it_refuses_a_duplicate_handle_in_the_admin_with_a_form_error(staff_client, maintainer):
    response = staff_client.post(
        "/admin/governance/person/add/",
        {"full_name": "Impostor", "github": maintainer.person.github.upper()},
    )

    assert response.status_code == 200
    assert "already has this GitHub handle" in response.content.decode()
    assert Person.objects.filter(full_name="Impostor").count() == 0


def test_it_refuses_a_role_in_a_retired_module_in_the_admin_with_an_error(
    staff_client, core1, nominee, module
):
    services.taxonomy_revise(
        actor=core1,
        title="Fold NN",
        reason="Merged.",
        decided_on=timezone.localdate(),
        steps=[
            services.ModuleAdd(name="Neural Networks", slug="neural-networks"),
            services.ModuleMerge(sources=[module], into="neural-networks"),
        ],
    )
    staff_client.raise_request_exception = False

    response = staff_client.post(
        "/admin/governance/role/add/",
        {
            "person": nominee.person.pk,
            "kind": RoleKind.MODULE_MAINTAINER,
            "module": module.pk,
            "status": "active",
            "started_on": timezone.localdate().isoformat(),
            "ended_on": "",
            "end_reason": "",
        },
    )

    assert response.status_code == 200, "a retired module must give a form error, not a 500"
    assert "retired" in response.content.decode()
    assert not Role.objects.filter(person=nominee.person).exists()


@pytest.mark.django_db
def test_it_answers_400_to_a_host_it_does_not_serve(client):
    response = client.get("/modules/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
