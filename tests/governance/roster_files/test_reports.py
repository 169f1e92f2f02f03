"""The core maintainers' reports: who may see them, what they list, and their one-step actions."""

import datetime

import pytest
from django.utils import timezone

from governance import report_selectors, selectors, services
from governance.models import (
    AuditEvent,
    ModuleGroup,
    Role,
    RoleStatus,
)
from governance.roster_parsers.activity import ActivityRecord
from meetings import services as meeting_services
from meetings.models import AgendaItem, Visibility
from nominations.models import Nomination, NominationKind, Proposal, ProposalKind
from tests.conftest import ALL_VIEWERS
from tests.governance.roster_files.conftest import add_maintainer

pytestmark = pytest.mark.django_db

CORE = ("lead", "core1")
AGENDA_FROM_INACTIVE = "/meetings/manage/from-inactive/"
REPORT_PAGES = [
    "/reports/",
    "/reports/inactive/",
    "/reports/understaffed/",
    "/reports/affiliations/",
    "/reports/taxonomy/",
]


def record_activity(person, days_ago: int) -> None:
    services.activity_import(
        actor=None,
        records=[
            ActivityRecord(
                line=1,
                github=person.github,
                last_active_on=timezone.localdate() - datetime.timedelta(days=days_ago),
                reviews=1,
                commits=1,
                triaged_issues=1,
            )
        ],
    )


def started_long_ago(role: Role) -> Role:
    # Roles granted today are never reported; these maintainers joined years ago.
    Role.objects.filter(pk=role.pk).update(started_on=datetime.date(2020, 1, 1))
    role.refresh_from_db()
    return role


@pytest.fixture
def roster(module, maintainer, lead, core1):
    """`module` with the maintainer (inactive 400 days) and a second, active maintainer; a
    second module with a 3-month period and one maintainer inactive for 4 months."""
    started_long_ago(maintainer.person.roles.get())
    record_activity(maintainer.person, 400)
    busy = started_long_ago(add_maintainer(module, "Busy Bee", "busybee", "Meta"))
    record_activity(busy.person, 10)
    fast = services.module_create(actor=None, name="Fast Lane", slug="fast", inactivity_months=3)
    quick = started_long_ago(add_maintainer(fast, "Quick Silver", "qsilver", "Meta"))
    record_activity(quick.person, 120)
    return {"module": module, "fast": fast, "stale": maintainer.person.roles.get(), "quick": quick}


@pytest.fixture
def proposal(core1):
    return services.taxonomy_proposal_create(actor=core1, title="Draft", reason="Why.")


# Who may see them -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
@pytest.mark.parametrize("url", REPORT_PAGES)
def test_it_shows_the_reports_to_core_maintainers_only(client_for, proposal, viewer, url):
    response = client_for(viewer).get(url)

    if viewer in CORE:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    elif viewer == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:  # outsider, staff, module maintainer, nominator, nominee
        assert response.status_code == 404


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_shows_a_taxonomy_proposal_to_core_maintainers_only(client_for, proposal, viewer):
    response = client_for(viewer).get(proposal.get_absolute_url())

    expected = 200 if viewer in CORE else 302 if viewer == "anonymous" else 404
    assert response.status_code == expected


POSTS = [
    ("/nominations/from-inactive/emeritus/", {"roles": "ROLE", "reason": "Inactive."}),
    ("/nominations/from-inactive/", {"roles": "ROLE", "reason": "Inactive."}),
    ("/reports/taxonomy/", {"title": "Sneaky"}),
    ("PROPOSAL/steps/sunset/", {"sunset-module": "nn-apis"}),
    ("PROPOSAL/withdraw/", {}),
]


@pytest.mark.parametrize("viewer", [v for v in ALL_VIEWERS if v not in CORE])
@pytest.mark.parametrize(("url", "data"), POSTS)
def test_it_refuses_every_report_action_to_everyone_else_and_changes_nothing(
    client_for, roster, proposal, viewer, url, data
):
    url = url.replace("PROPOSAL/", proposal.get_absolute_url())
    data = {
        key: str(roster["stale"].pk) if value == "ROLE" else value for key, value in data.items()
    }
    client = client_for(viewer)
    events = AuditEvent.objects.count()

    response = client.post(url, data)

    assert response.status_code == (302 if viewer == "anonymous" else 404)
    assert AuditEvent.objects.count() == events
    assert roster["stale"].__class__.objects.get(pk=roster["stale"].pk).status == RoleStatus.ACTIVE


# Activity and emeritus ------------------------------------------------------------------------


def test_it_lists_maintainers_past_their_modules_own_period(roster):
    report = report_selectors.inactivity_report()

    # Four months idle is past Fast Lane's three; 400 days is past NN's twelve months; the busy
    # maintainer is not listed. Modules come in the files' order (by name here).
    assert [item.role for item in report.inactive] == [roster["quick"], roster["stale"]]


def test_it_lists_long_serving_maintainers_with_no_activity_apart(roster):
    silent = started_long_ago(add_maintainer(roster["module"], "Silent Sam", "ssam"))
    add_maintainer(roster["module"], "New Nell", "nnell")  # joined today: not reported

    report = report_selectors.inactivity_report()

    assert [item.role for item in report.unrecorded] == [silent]


def test_it_proposes_the_selected_as_one_emeritus_batch_and_moves_nobody_yet(roster, client_for):
    roles = [roster["stale"], roster["quick"]]

    response = client_for("core1").post(
        "/nominations/from-inactive/emeritus/",
        {"roles": [role.pk for role in roles], "reason": "Inactive for over a year."},
    )

    # One core maintainer only proposes: the batch applies once the core maintainers' vote
    # accepts it.
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.vote.get_absolute_url()
    assert proposal.vote.kind == ProposalKind.EMERITUS_BATCH
    assert set(proposal.emeritus_roles.all()) == set(roles)
    assert Role.objects.filter(status=RoleStatus.EMERITUS).count() == 0
    assert not AuditEvent.objects.filter(verb="role.emeritus").exists()


def test_it_moves_none_when_one_of_them_has_already_ended(roster, core1):
    services.role_make_emeritus(actor=None, role=roster["quick"], reason="Stepped back.")

    with pytest.raises(Exception, match="already ended"):
        services.roles_make_emeritus(
            actor=core1, roles=[roster["stale"], roster["quick"]], reason="Inactive."
        )

    roster["stale"].refresh_from_db()
    assert roster["stale"].status == RoleStatus.ACTIVE


def test_it_proposes_nothing_when_nothing_is_selected(roster, client_for):
    response = client_for("core1").post("/nominations/from-inactive/emeritus/", {"reason": "x"})

    assert response.status_code == 302
    assert response["Location"] == "/reports/inactive/"
    assert not Proposal.objects.exists()


def test_it_proposes_nothing_for_values_that_are_not_offered_roles(roster, client_for):
    # A value that is not a role's id answered 500 while the form was drawn again.
    stale = roster["stale"].pk
    response = client_for("core1").post(
        "/nominations/from-inactive/emeritus/",
        {"roles": [str(stale), "", "x", "9" * 30], "reason": "Inactive."},
    )

    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_it_opens_removal_nominations_in_one_step_and_never_twice(roster, client_for):
    data = {"roles": [roster["stale"].pk, roster["quick"].pk], "reason": "Inactive for a year."}

    first = client_for("core1").post("/nominations/from-inactive/", data)
    second = client_for("lead").post("/nominations/from-inactive/", data)

    assert (first.status_code, second.status_code) == (302, 302)
    nominations = Nomination.objects.filter(kind=NominationKind.REMOVAL)
    assert sorted(n.ending_role_id for n in nominations) == sorted(data["roles"])
    assert {n.rationale for n in nominations} == {"Inactive for a year."}
    assert Role.objects.filter(status=RoleStatus.ACTIVE, pk__in=data["roles"]).count() == 2


def test_it_adds_a_move_to_emeritus_item_to_the_next_meeting(roster, client_for, core1):
    meeting = meeting_services.meeting_create(
        actor=core1, title="Core Maintainers Meeting", starts_at=timezone.now()
    )
    data = {"roles": [roster["stale"].pk, roster["quick"].pk], "reason": "Inactive for a year."}

    response = client_for("core1").post(AGENDA_FROM_INACTIVE, data)

    item = AgendaItem.objects.get(meeting=meeting, title="Move inactive maintainers to emeritus")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.slug}/items/{item.pk}/"
    assert item.visibility == Visibility.SUMMARY
    assert item.public_summary == "Considered moving 2 inactive maintainers to emeritus."
    for role in (roster["stale"], roster["quick"]):
        assert f"{role.person.full_name} (@{role.person.github})" in item.notes
    assert Role.objects.filter(status=RoleStatus.ACTIVE, pk__in=data["roles"]).count() == 2


def test_it_asks_for_a_meeting_before_adding_the_item(roster, client_for):
    data = {"roles": [roster["stale"].pk], "reason": "Inactive for a year."}

    response = client_for("core1").post(AGENDA_FROM_INACTIVE, data, follow=True)

    assert "create the next meeting" in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize("viewer", [v for v in ALL_VIEWERS if v not in CORE])
def test_it_refuses_the_agenda_item_to_everyone_else(roster, client_for, core1, viewer):
    meeting_services.meeting_create(actor=core1, title="Next", starts_at=timezone.now())

    response = client_for(viewer).post(
        AGENDA_FROM_INACTIVE, {"roles": [roster["stale"].pk], "reason": "Inactive."}
    )

    assert response.status_code == (302 if viewer == "anonymous" else 404)
    assert not AgendaItem.objects.exists()


def test_it_offers_the_three_actions_on_the_report(roster, client_for):
    content = client_for("core1").get("/reports/inactive/").content.decode()

    assert 'action="/nominations/from-inactive/emeritus/"' in content
    assert 'formaction="/nominations/from-inactive/"' in content
    assert f'formaction="{AGENDA_FROM_INACTIVE}"' in content
    assert content.count('type="checkbox" name="roles"') == 2


def test_it_says_on_the_index_how_many_maintainers_a_module_needs(client_for):
    content = client_for("core1").get("/reports/").content.decode()

    assert f"Fewer than {selectors.MIN_MAINTAINERS} active maintainers" in content


# Understaffed and affiliation -----------------------------------------------------------------


def test_it_lists_modules_with_too_few_or_only_inactive_maintainers(roster):
    roster["module"].roles.filter(person__github="busybee").update(
        status=RoleStatus.EMERITUS, ended_on=timezone.localdate()
    )
    healthy = services.module_create(actor=None, name="Healthy", slug="healthy")
    for n in range(2):
        record_activity(add_maintainer(healthy, f"Worker {n}", f"worker-{n}").person, 1)
    lonely = services.module_create(
        actor=None, name="Gone", slug="gone", group=ModuleGroup.SUNSETTED
    )
    add_maintainer(lonely, "Last One", "lastone")

    staffing = {row.module.slug: row for row in report_selectors.understaffed_modules()}

    assert set(staffing) == {"nn-apis", "fast"}  # healthy is fine; sunsetted modules are left out
    assert staffing["nn-apis"].too_few
    assert staffing["fast"].all_inactive


def test_it_shows_the_largest_employers_share(roster, lead, core1, core2, client_for):
    core, modules = report_selectors.affiliation_spread()

    # lead and core1 work at Meta, core2 at NVIDIA.
    assert (core.people, core.largest, core.largest_count) == (3, "Meta", 2)
    assert core.majority
    by_module = {spread.label: spread for spread in modules}
    assert by_module["NN APIs (torch.nn)"].employers == [("Intel", 1), ("Meta", 1)]
    content = client_for("core1").get("/reports/affiliations/").content.decode()
    assert "67%" in content


def test_it_does_not_count_independents_as_an_employer(db):
    module = services.module_create(actor=None, name="Solo", slug="solo")
    add_maintainer(module, "Indie One", "indie1", "Independent")
    add_maintainer(module, "Indie Two", "indie2", "")

    (spread,) = report_selectors.affiliation_spread()[1]

    assert (spread.people, spread.largest, spread.share) == (2, "", 0.0)


def test_it_counts_inactivity_by_calendar_months():
    assert report_selectors.months_before(datetime.date(2025, 3, 31), 1) == datetime.date(
        2025, 2, 28
    )
    assert report_selectors.months_before(datetime.date(2025, 1, 15), 12) == datetime.date(
        2024, 1, 15
    )
    assert report_selectors.months_before(datetime.date(2024, 2, 29), 12) == datetime.date(
        2023, 2, 28
    )
