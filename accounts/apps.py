from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: sign-in, two factors, GitHub"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.reauthentication import signed_in

        user_logged_in.connect(signed_in, dispatch_uid="accounts.signed_in")
