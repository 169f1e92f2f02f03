from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance: people, modules and roles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from governance.signin_views import password_signed_in

        user_logged_in.connect(password_signed_in, dispatch_uid="governance.password_signed_in")
