from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views import defaults
from django.views.decorators.cache import never_cache

from governance import export_views, report_views, signin_views, views
from governance.decorators import private_page

urlpatterns = [
    path("", include("meetings.public_urls")),
    path("modules/", views.module_list, name="module_list"),
    path("modules/<slug:slug>/", views.module_detail, name="module_detail"),
    path("people/<str:github>/", views.person_detail, name="person_detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("exports/", export_views.export_index, name="exports"),
    path("exports/OWNERS.zip", export_views.owners_archive, name="export_owners_archive"),
    path("exports/owners/<slug:slug>/OWNERS", export_views.owners_file, name="export_owners"),
    path("exports/<str:filename>", export_views.export_file, name="export_file"),
    path("reports/", report_views.report_index, name="reports"),
    path("reports/inactive/", report_views.inactive_report, name="report_inactive"),
    path(
        "reports/inactive/emeritus/",
        report_views.inactive_make_emeritus,
        name="report_inactive_emeritus",
    ),
    path("reports/understaffed/", report_views.understaffed_report, name="report_understaffed"),
    path("reports/affiliations/", report_views.affiliation_report, name="report_affiliations"),
    path("reports/taxonomy/", report_views.taxonomy_proposals, name="taxonomy_proposals"),
    path("reports/taxonomy/<int:pk>/", report_views.taxonomy_proposal, name="taxonomy_proposal"),
    path(
        "reports/taxonomy/<int:pk>/steps/<str:operation>/",
        report_views.taxonomy_step_add,
        name="taxonomy_step_add",
    ),
    path(
        "reports/taxonomy/<int:pk>/steps/<int:position>/remove/",
        report_views.taxonomy_step_remove,
        name="taxonomy_step_remove",
    ),
    path(
        "reports/taxonomy/<int:pk>/withdraw/",
        report_views.taxonomy_proposal_withdraw,
        name="taxonomy_proposal_withdraw",
    ),
    path("nominations/", include("nominations.urls")),
    path("", include("nominations.public_urls")),
    path("meetings/", include("meetings.urls")),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/password_reset/",
        signin_views.SiteUrlPasswordResetView.as_view(),
        name="password_reset",
    ),
    # Django's own pages, marked private: they show the signed-in user's account.
    path(
        "accounts/password_change/",
        private_page(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        private_page(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("accounts/two-factor/setup/", signin_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", signin_views.two_factor_verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        signin_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/login/", signin_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", signin_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# Django's own 500 page (a plain template, no context processors that could fail in turn), which
# no cache may keep: the failure it reports is meant to pass.
handler500 = never_cache(defaults.server_error)
