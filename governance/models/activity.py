"""What people did on the repository lately, and how far its activity has been read."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models.people import Person


class ActivitySource(models.TextChoices):
    FILE = "file", "an imported file"
    GITHUB = "github", "GitHub"


class PersonActivity(models.Model):
    """A person's latest recorded activity on the repository, from `manage.py import_activity`
    (a file, or GitHub with `--from-github` and the daily task). From GitHub, the counts are
    those since the first import from GitHub."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="activity")
    last_active_on = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    triaged_issues = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=10, choices=ActivitySource.choices, default=ActivitySource.FILE
    )
    # The repositories the figures were read from, for GitHub.
    source_detail = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "person activity"
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ActivitySource.values), name="person_activity_source_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Activity of {self.person}: last {self.last_active_on:%Y-%m-%d}"


class GitHubActivityCursor(models.Model):
    """How far one stream of one repository's activity has been read: everything before
    `read_until` is counted. It moves in the transaction that records what was read, so a run
    killed half-way starts again from here and counts nothing twice."""

    repository = models.CharField(max_length=200)
    stream = models.CharField(max_length=20)
    read_until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "stream"], name="github_activity_cursor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.repository} {self.stream} read until {self.read_until:%Y-%m-%d %H:%M}"
