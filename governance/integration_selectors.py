"""Reads of the outside services' state for pages, as annotations of the page's own query, so
showing a forum link or error costs no query of its own."""

from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from governance.integration_models import ForumTopic


def forum_topic_annotations(prefix: str, pk_field: str = "pk") -> dict:
    """For `.annotate(**...)`: the forum topic of the row whose subject key is
    `<prefix>:<the row's pk_field>`: its id, public URL and last error."""
    topic = ForumTopic.objects.filter(
        subject_key=Concat(Value(f"{prefix}:"), Cast(OuterRef(pk_field), CharField()))
    )
    return {
        "forum_topic_pk": Subquery(topic.values("pk")[:1]),
        "forum_topic_url": Subquery(topic.values("topic_url")[:1]),
        "forum_topic_error": Subquery(topic.values("last_error")[:1]),
    }


@dataclass(frozen=True)
class ForumState:
    """What a private page shows of a forum topic. `can_retry` is the policy's answer."""

    topic_pk: int
    url: str
    error: str
    can_retry: bool


def forum_state(row, *, can_retry: bool) -> ForumState | None:
    """From a row annotated with `forum_topic_annotations`; None when it has no topic."""
    if getattr(row, "forum_topic_pk", None) is None:
        return None
    return ForumState(
        topic_pk=row.forum_topic_pk,
        url=row.forum_topic_url or "",
        error=row.forum_topic_error or "",
        can_retry=can_retry,
    )


def forum_topic(pk: int) -> ForumTopic | None:
    return ForumTopic.objects.filter(pk=pk).first()
