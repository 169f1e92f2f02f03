from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from governance import views

urlpatterns = [
    path("", views.home, name="home"),
    path("modules/", views.module_list, name="module_list"),
    path("modules/<slug:slug>/", views.module_detail, name="module_detail"),
    path("people/<str:github>/", views.person_detail, name="person_detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("nominations/", include("nominations.urls")),
    path("", include("nominations.public_urls")),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            html_email_template_name=None,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
