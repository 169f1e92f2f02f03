"""What the fuzzer posts where: every route of the URLconf that accepts POST, with the persona
who may use it, the objects that fill it, and the form whose fields it reads.

Routes come from the access matrix's walk of the URLconf, so a route that starts accepting POST
fails `test_it_fuzzes_every_route_that_accepts_post` until `TARGETS` names its form (or says it
reads none). The admin's add forms are found from the admin site itself: staff's forms for every
model registered now or later.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.test import RequestFactory
from django.utils import timezone

from governance import report_selectors, taxonomy_selectors
from governance.forms import (
    STEP_FORMS,
    ProposalForm,
    RolesActionForm,
    TwoFactorCodeForm,
)
from governance.selectors import core_maintainer_users
from meetings import forms as meeting_forms
from meetings import services as meeting_services
from meetings.models import MeetingStatus
from nominations import forms as nomination_forms
from nominations import proposal_forms
from nominations import services as nomination_services
from nominations.models import Consent, Nomination, NominationKind
from tests.conftest import PASSWORD
from tests.security.conftest import World
from tests.security.matrix import Route, routes
from tests.security.matrix_rules import Case, one, proposal_votes

FormFor = Callable[[World, Case], forms.Form | None]


def no_form(world: World, case: Case) -> None:
    return None


@dataclass(frozen=True)
class Target:
    """`persona` posts to the route filled by each of `cases`; `form` is the form the view
    reads there (None: it reads none, so only junk is sent). `known` adds real values to what
    a field is sent (a real password, say), so that some posts get past the form."""

    persona: str
    cases: Callable[[World], list[Case]]
    form: FormFor = no_form
    known: dict = field(default_factory=dict)


def nomination(state: str) -> Callable[[World], list[Case]]:
    """The nomination in `state` (where the action is offered), and one in every other state,
    where the page must still say why nothing happened."""
    return lambda world: [
        Case(label, {"pk": n.pk})
        for label, n in sorted(world.nominations.items(), key=lambda item: item[0] != state)
    ]


def meetings(world: World) -> list[Case]:
    """The draft meeting, and the published one, where most actions are refused."""
    return [
        Case(m.status, {"slug": m.slug}) for m in (world.draft_meeting, world.published_meeting)
    ]


def items(world: World) -> list[Case]:
    return [
        Case(item.title, {"slug": m.slug, "pk": item.pk})
        for m in (world.draft_meeting, world.published_meeting)
        for item in world.items(m)
    ]


def decisions(world: World) -> list[Case]:
    return [
        Case(f"{m.status} decision", {"slug": m.slug, "pk": world.decisions(m)[0].pk})
        for m in (world.draft_meeting, world.published_meeting)
    ]


def proposal(world: World, **extra) -> list[Case]:
    return [Case("draft", {"pk": world.proposal.pk, **extra})]


def step_cases(world: World) -> list[Case]:
    return [
        Case(operation, {"pk": world.proposal.pk, "operation": operation})
        for operation in STEP_FORMS
    ]


def step_form(world: World, case: Case) -> forms.Form:
    modules = taxonomy_selectors.current_taxonomy()[0]
    return STEP_FORMS[case.kwargs["operation"]](modules=modules)


def form(form_class: type[forms.Form]) -> FormFor:
    return lambda world, case: form_class()


def roles_form(world: World, case: Case) -> forms.Form:
    return RolesActionForm(role_ids=report_selectors.inactivity_report().role_ids)


def invite_form(world: World, case: Case) -> forms.Form:
    return nomination_forms.InviteForm(module=world.nominations[case.label].module)


def password_change_form(world: World, case: Case) -> forms.Form:
    return PasswordChangeForm(user=world.user("core1"))


def published_version(world: World) -> list[Case]:
    """Version 1 of a meeting published for this target alone: of the world's meetings, one is
    a draft and the other is still in review (two approvals of its five core maintainers)."""
    core1 = world.user("core1")
    meeting = meeting_services.meeting_create(
        actor=core1, title="Minutes to retract", starts_at=timezone.now() - datetime.timedelta(7)
    )
    meeting_services.agenda_item_add(actor=core1, meeting=meeting, title="Roadmap", notes="- Yes.")
    meeting_services.minutes_submit(actor=core1, meeting=meeting)
    for reviewer in core_maintainer_users():
        meeting_services.minutes_review(actor=reviewer, meeting=meeting, verdict="approve")
        meeting.refresh_from_db(fields=["status"])
        if meeting.status == MeetingStatus.PUBLISHED:
            break
    return [Case("published", {"slug": meeting.slug, "number": 1})]


def consent_asked(world: World) -> list[Case]:
    """A nomination whose nominee is asked to accept it. No rule of the world asks for consent,
    so the first call changes one and opens a nomination under it, through the services."""
    asked = Nomination.objects.filter(nominee_consent=Consent.ASKED).first()
    if asked is None:
        nomination_services.voting_rule_update(
            actor=None, kind=NominationKind.CORE_REVIEWER, changes={"nominee_consent": True}
        )
        asked = world.builder.opened(kind=NominationKind.CORE_REVIEWER)
    return [Case("asked", {"pk": asked.pk})]


SIGN_IN = {"username": ("core1", "outsider", "staff"), "password": (PASSWORD,)}

TARGETS: dict[str, Target] = {
    # Signing in and out, and passwords.
    "accounts/login/": Target("anonymous", one(), form(AuthenticationForm), known=SIGN_IN),
    "accounts/logout/": Target("core1", one()),
    "accounts/password_reset/": Target(
        "anonymous", one(), form(PasswordResetForm), known={"email": ("core1@example.org",)}
    ),
    # An unknown token: the page says the link is invalid, whatever is posted.
    "accounts/reset/<uidb64>/<token>/": Target("anonymous", one(uidb64="MQ", token="set-password")),
    "accounts/two-factor/setup/": Target("unenrolled", one(), form(TwoFactorCodeForm)),
    "accounts/two-factor/verify/": Target("core1", one(), form(TwoFactorCodeForm)),
    "accounts/two-factor/recovery-codes/": Target("core1", one()),
    # The account page reads a password only where GitHub can be connected (not here); the
    # GitHub sign-in reads nothing but `next` and `process`.
    "accounts/": Target("outsider", one()),
    "accounts/github/login/": Target("anonymous", one()),
    "accounts/password_change/": Target(
        "core1", one(), password_change_form, known={"old_password": (PASSWORD,)}
    ),
    "admin/login/": Target("anonymous", one(), form(AuthenticationForm), known=SIGN_IN),
    "admin/logout/": Target("staff", one()),
    # Marks the inbox read; the feed answers any method alike.
    "inbox/": Target("core1", one()),
    "forum-topics/<int:pk>/retry/": Target("core1", one(pk=1)),
    "meetings/feed/": Target("anonymous", one()),
    # Nominations: intake, the thread, the vote, the outcome.
    "nominations/request/": Target(
        "nominator", one(), form(nomination_forms.NominationRequestForm)
    ),
    "nominations/requests/<int:pk>/": Target(
        "core1",
        lambda w: [Case("pending", {"pk": w.pending_request.pk})],
        form(nomination_forms.TriageForm),
    ),
    "nominations/new/": Target("core1", one(), form(nomination_forms.NominationForm)),
    "nominations/from-inactive/": Target("core1", one(), roles_form),
    "nominations/from-inactive/emeritus/": Target("core1", one(), roles_form),
    "nominations/<int:pk>/open/": Target("core1", nomination("draft")),
    "nominations/<int:pk>/invite/": Target("core1", nomination("voting"), invite_form),
    "nominations/<int:pk>/evidence/": Target(
        "core1", nomination("open"), form(nomination_forms.EvidenceForm)
    ),
    "nominations/evidence/<int:pk>/edit/": Target(
        "core1",
        lambda w: [Case("evidence", {"pk": w.evidence.pk})],
        form(nomination_forms.EvidenceForm),
    ),
    "nominations/<int:pk>/voting/": Target(
        "core1", nomination("open"), form(nomination_forms.VotingOpenForm)
    ),
    "nominations/<int:pk>/vote/": Target(
        "core1", nomination("voting"), form(nomination_forms.BallotForm)
    ),
    "nominations/<int:pk>/recuse/": Target(
        "core1", nomination("voting"), form(nomination_forms.RecuseForm)
    ),
    "nominations/<int:pk>/close/": Target("core1", nomination("voting")),
    "nominations/<int:pk>/decide/": Target(
        "core1", nomination("closed"), form(nomination_forms.DecisionForm)
    ),
    "nominations/<int:pk>/feedback/draft/": Target(
        "core1", nomination("closed"), form(nomination_forms.FeedbackForm)
    ),
    "nominations/<int:pk>/feedback/release/": Target(
        "core1", nomination("declined"), form(nomination_forms.FeedbackReleaseForm)
    ),
    # Only where the nominee has feedback to read: elsewhere the route does not exist for them.
    "nominations/<int:pk>/feedback/read/": Target(
        "nominee", lambda w: [Case("declined", {"pk": w.nominations["declined"].pk})]
    ),
    "nominations/<int:pk>/announce/": Target("core1", nomination("announced")),
    "nominations/<int:pk>/announcement/": Target(
        "core1", nomination("announced"), form(nomination_forms.AnnouncementForm)
    ),
    "nominations/<int:pk>/withdraw/": Target(
        "core1", nomination("voting"), form(nomination_forms.WithdrawForm)
    ),
    "nominations/<int:pk>/second/": Target("core1", nomination("open")),
    "nominations/<int:pk>/consent/": Target(
        "nominee", consent_asked, form(nomination_forms.ConsentForm)
    ),
    # Proposals: made, and decided on their own page (their vote is the routes above).
    "nominations/proposals/new/": Target("core1", one(), form(proposal_forms.ProposalForm)),
    "nominations/proposals/<int:pk>/decide/": Target(
        "lead", lambda world: proposal_votes(world)[:1], form(proposal_forms.ProposalDecisionForm)
    ),
    # Meetings: the working copy, its items, review, publication, import.
    "meetings/manage/from-inactive/": Target("core1", one(), roles_form),
    "meetings/new/": Target("core1", one(), form(meeting_forms.MeetingForm)),
    "meetings/import/": Target("core1", one(), form(meeting_forms.ImportForm)),
    "meetings/action-items/<int:pk>/": Target(
        "maintainer",
        lambda w: [Case("owned", {"pk": a.pk}) for a in w.action_items()[:1]],
        form(meeting_forms.ActionItemStatusForm),
    ),
    "meetings/<slug:slug>/edit/": Target("core1", meetings, form(meeting_forms.MeetingForm)),
    "meetings/<slug:slug>/carry-over/": Target("core1", meetings),
    "meetings/<slug:slug>/attendance/": Target(
        "core1", meetings, form(meeting_forms.AttendanceForm)
    ),
    "meetings/<slug:slug>/submit/": Target("core1", meetings, form(meeting_forms.SubmitForm)),
    "meetings/<slug:slug>/review/": Target("core1", meetings, form(meeting_forms.ReviewForm)),
    "meetings/<slug:slug>/publish/": Target("core1", meetings),
    "meetings/<slug:slug>/v/<int:number>/retract/": Target(
        "core1", published_version, form(meeting_forms.RetractForm)
    ),
    "meetings/<slug:slug>/items/": Target("core1", meetings, form(meeting_forms.NewAgendaItemForm)),
    "meetings/<slug:slug>/items/<int:pk>/": Target(
        "core1", items, form(meeting_forms.AgendaItemForm)
    ),
    "meetings/<slug:slug>/items/<int:pk>/move/": Target("core1", items),
    "meetings/<slug:slug>/items/<int:pk>/remove/": Target("core1", items),
    "meetings/<slug:slug>/items/<int:pk>/decisions/": Target(
        "core1", items, form(meeting_forms.DecisionForm)
    ),
    "meetings/<slug:slug>/items/<int:pk>/action-items/": Target(
        "core1", items, form(meeting_forms.ActionItemForm)
    ),
    "meetings/<slug:slug>/decisions/<int:pk>/remove/": Target("core1", decisions),
    # Reports and taxonomy proposals.
    "reports/taxonomy/": Target("core1", one(), form(ProposalForm)),
    "reports/taxonomy/<int:pk>/steps/<str:operation>/": Target("core1", step_cases, step_form),
    "reports/taxonomy/<int:pk>/steps/<int:position>/remove/": Target(
        "core1", lambda w: proposal(w, position=1)
    ),
    "reports/taxonomy/<int:pk>/withdraw/": Target("core1", proposal),
}


def route_map() -> dict[str, Route]:
    return {route.pattern: route for route in routes()}


# The admin's add forms --------------------------------------------------------------------------


def admin_add_models(staff) -> list[type]:
    """Every registered model whose admin lets staff add one."""
    request = RequestFactory().get("/admin/")
    request.user = staff
    return sorted(
        (
            model
            for model, model_admin in admin.site._registry.items()
            if model_admin.has_add_permission(request)
        ),
        key=lambda model: model._meta.label,
    )


def admin_add_form(model: type, staff) -> forms.Form:
    request = RequestFactory().get("/admin/")
    request.user = staff
    return admin.site._registry[model].get_form(request)()


def admin_add_path(model: type) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
