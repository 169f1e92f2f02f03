from django.core.management.base import BaseCommand, CommandError

from governance import repository_sync, services


class Command(BaseCommand):
    help = (
        "Open or update the pull request that brings the repository's maintainer files in line "
        "with the roster, now rather than after the next change (after fixing a refused token, "
        "say). Opens none when the repository already matches."
    )

    def handle(self, *args, **options) -> None:
        if not repository_sync.enabled():
            raise CommandError("GitHub is not configured: set GITHUB_SYNC_REPOSITORY.")
        row = services.repository_sync_run(force=True)
        if row is None:
            raise CommandError("Another sync is running; try again when it has finished.")
        if row.last_error:
            raise CommandError(row.last_error)
        if row.pull_request_url:
            self.stdout.write(self.style.SUCCESS(f"Pull request: {row.pull_request_url}"))
        else:
            self.stdout.write(self.style.SUCCESS("The repository already matches the roster."))
