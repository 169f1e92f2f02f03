from django.urls import path

from nominations import consent_views, proposal_views, step_views, verification_views, views

app_name = "nominations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("all/<slug:section>/", views.dashboard_section, name="section"),
    path("request/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_triage, name="request_triage"),
    path("new/", views.nomination_new, name="new"),
    path("from-inactive/", views.nominations_for_inactive, name="from_inactive"),
    path(
        "from-inactive/emeritus/",
        views.emeritus_proposal_for_inactive,
        name="emeritus_from_inactive",
    ),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/open/", views.nomination_open, name="open"),
    path("<int:pk>/invite/", views.evidence_invite, name="invite"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("<int:pk>/voting/", views.voting_open, name="voting_open"),
    path("<int:pk>/vote/", views.ballot_cast, name="vote"),
    path("<int:pk>/recuse/", views.elector_recuse, name="recuse"),
    path("<int:pk>/close/", views.voting_close, name="close"),
    path("<int:pk>/decide/", views.nomination_decide, name="decide"),
    path("<int:pk>/feedback/draft/", views.feedback_save, name="feedback_save"),
    path("<int:pk>/feedback/release/", views.feedback_release, name="feedback_release"),
    path("<int:pk>/feedback/", step_views.feedback_detail, name="feedback"),
    path("<int:pk>/feedback/read/", views.feedback_read, name="feedback_read"),
    path("<int:pk>/announce/", views.announcement_release, name="announce"),
    path("<int:pk>/announcement/", step_views.announcement_edit, name="announcement_edit"),
    path("<int:pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path("<int:pk>/verify/", verification_views.vote_verify, name="verify"),
    path("<int:pk>/second/", consent_views.nomination_second, name="second"),
    path("<int:pk>/consent/", consent_views.nominee_consent, name="consent"),
    path("proposals/new/", proposal_views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/decide/", proposal_views.proposal_decide, name="proposal_decide"),
    path("<int:pk>/confirm/<slug:step>/", step_views.step_confirm, name="confirm"),
]
