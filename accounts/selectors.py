"""Reads of the accounts pages."""

from allauth.socialaccount.models import SocialAccount


def github_account_of(user) -> SocialAccount | None:
    """The GitHub account connected to `user`, or None. One query."""
    return SocialAccount.objects.filter(user=user, provider="github").first()
