from django.urls import path

from nominations.views import (
    consent,
    evidence,
    intake,
    outcome,
    page,
    proposals,
    steps,
    verification,
    voting,
)

app_name = "nominations"

urlpatterns = [
    path("", intake.dashboard, name="dashboard"),
    path("all/<slug:section>/", intake.dashboard_section, name="section"),
    path("request/", intake.request_new, name="request_new"),
    path("requests/<int:pk>/", intake.request_triage, name="request_triage"),
    path("new/", intake.nomination_new, name="new"),
    path("from-inactive/", intake.nominations_for_inactive, name="from_inactive"),
    path(
        "from-inactive/emeritus/",
        intake.emeritus_proposal_for_inactive,
        name="emeritus_from_inactive",
    ),
    path("<int:pk>/", page.nomination_detail, name="detail"),
    path("<int:pk>/open/", evidence.nomination_open, name="open"),
    path("<int:pk>/invite/", evidence.evidence_invite, name="invite"),
    path("<int:pk>/evidence/", evidence.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/edit/", evidence.evidence_edit, name="evidence_edit"),
    path("<int:pk>/voting/", voting.voting_open, name="voting_open"),
    path("<int:pk>/vote/", voting.ballot_cast, name="vote"),
    path("<int:pk>/recuse/", voting.elector_recuse, name="recuse"),
    path("<int:pk>/close/", voting.voting_close, name="close"),
    path("<int:pk>/decide/", outcome.nomination_decide, name="decide"),
    path("<int:pk>/feedback/draft/", outcome.feedback_save, name="feedback_save"),
    path("<int:pk>/feedback/release/", outcome.feedback_release, name="feedback_release"),
    path("<int:pk>/feedback/", steps.feedback_detail, name="feedback"),
    path("<int:pk>/feedback/read/", steps.feedback_read, name="feedback_read"),
    path("<int:pk>/announce/", outcome.announcement_release, name="announce"),
    path("<int:pk>/announcement/", steps.announcement_edit, name="announcement_edit"),
    path("<int:pk>/withdraw/", outcome.nomination_withdraw, name="withdraw"),
    path("<int:pk>/verify/", verification.vote_verify, name="verify"),
    path("<int:pk>/second/", consent.nomination_second, name="second"),
    path("<int:pk>/consent/", consent.nominee_consent, name="consent"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/decide/", proposals.proposal_decide, name="proposal_decide"),
    path("<int:pk>/confirm/<slug:step>/", steps.step_confirm, name="confirm"),
]
