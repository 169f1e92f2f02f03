"""The GitHub client's configuration, from settings (which read the environment)."""

from django.conf import settings

from integrations import github


def github_config() -> github.Config:
    return github.Config(
        api_url=settings.GITHUB_API_URL,
        token=settings.GITHUB_TOKEN,
        app_id=settings.GITHUB_APP_ID,
        app_private_key=settings.GITHUB_APP_PRIVATE_KEY,
        app_installation_id=settings.GITHUB_APP_INSTALLATION_ID,
        timeout=settings.GITHUB_TIMEOUT_SECONDS,
        retries=settings.GITHUB_RETRIES,
        backoff_factor=settings.GITHUB_RETRY_BACKOFF_MS / 1000,
        max_rate_limit_wait=settings.GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS,
        seconds_between_writes=settings.GITHUB_WRITE_SPACING_MS / 1000,
    )
