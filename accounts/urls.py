from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from governance.decorators import private_page

urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("github/login/", views.github_login, name="github_login"),
    path("github/login/callback/", views.github_callback, name="github_callback"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "password_reset/",
        views.SiteUrlPasswordResetView.as_view(),
        name="password_reset",
    ),
    # Django's own pages, marked private: they show the signed-in user's account.
    path(
        "password_change/",
        private_page(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password_change/done/",
        private_page(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("", include("django.contrib.auth.urls")),
]
