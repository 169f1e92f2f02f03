"""The operators' admin keeps allauth's GitHub accounts and email addresses (state of the
accounts they run) but not its OAuth apps and tokens: the app comes from the environment
(GITHUB_CLIENT_ID/SECRET), a second one in the database would clash with it, and the site
stores no tokens."""

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin

for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
