from django.contrib import admin
from django.urls import include, path
from django.views import defaults
from django.views.decorators.cache import never_cache

from governance.views import integrations, reports, roster, roster_files

urlpatterns = [
    path("", include("meetings.public_urls")),
    path("modules/", roster.module_list, name="module_list"),
    path("modules/<slug:slug>/", roster.module_detail, name="module_detail"),
    path("people/", roster.people_directory, name="people"),
    path("people/<str:github>/", roster.person_detail, name="person_detail"),
    path("inbox/", roster.inbox, name="inbox"),
    path("exports/", roster_files.export_index, name="exports"),
    path("exports/OWNERS.zip", roster_files.owners_archive, name="export_owners_archive"),
    path("exports/owners/<slug:slug>/OWNERS", roster_files.owners_file, name="export_owners"),
    path("exports/<str:filename>", roster_files.export_file, name="export_file"),
    path("reports/", reports.report_index, name="reports"),
    path("reports/inactive/", reports.inactive_report, name="report_inactive"),
    path("reports/understaffed/", reports.understaffed_report, name="report_understaffed"),
    path("reports/affiliations/", reports.affiliation_report, name="report_affiliations"),
    path("reports/taxonomy/", reports.taxonomy_proposals, name="taxonomy_proposals"),
    path("reports/taxonomy/<int:pk>/", reports.taxonomy_proposal, name="taxonomy_proposal"),
    path(
        "reports/taxonomy/<int:pk>/steps/<str:operation>/",
        reports.taxonomy_step_add,
        name="taxonomy_step_add",
    ),
    path(
        "reports/taxonomy/<int:pk>/steps/<int:position>/remove/",
        reports.taxonomy_step_remove,
        name="taxonomy_step_remove",
    ),
    path(
        "reports/taxonomy/<int:pk>/withdraw/",
        reports.taxonomy_proposal_withdraw,
        name="taxonomy_proposal_withdraw",
    ),
    path("nominations/", include("nominations.urls")),
    path("", include("nominations.public_urls")),
    path("meetings/", include("meetings.urls")),
    path("healthz", roster.healthz, name="healthz"),
    path("api/", include("api.urls")),
    path(
        "forum-topics/<int:pk>/retry/",
        integrations.forum_topic_retry,
        name="forum_topic_retry",
    ),
    # Signing in, the account page and two factors live in the accounts app, which depends on
    # this one: named by a string, never imported.
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

# Django's own 500 page (a plain template, no context processors that could fail in turn), which
# no cache may keep: the failure it reports is meant to pass.
handler500 = never_cache(defaults.server_error)
