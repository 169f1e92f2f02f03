"""The token that tells a cached public page from a stale one."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PublicPagesGeneration(models.Model):
    """The public pages' current state, as a token: a cached page stored under another is stale.
    One row (pk 1).

    In the database rather than the cache, so that a change made by any process (a worker's
    publication, the admin's anonymisation) reaches every process's cache, local memory included;
    and replaced in the transaction that makes the change, so the two commit together.
    """

    SINGLETON_PK = 1

    token = models.CharField(max_length=32)
    # When public data last changed: the JSON API's Last-Modified.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="public_pages_generation_singleton")
        ]

    def __str__(self) -> str:
        return f"Public pages generation {self.token}"
