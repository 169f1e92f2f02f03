import functools

from django import template
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from governance.markdown import plain_text, render_markdown

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a URL that takes no arguments, reversed once per process (for each
    URL configuration and script prefix): the site's navigation, on every page, cost more than
    a page's own content to reverse afresh each time."""
    return _reversed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)


@functools.cache
def _reversed(_urlconf: str, _prefix: str, name: str) -> str:
    return reverse(name)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text or "")


@register.filter(name="plain_text")
def plain_text_filter(text: str) -> str:
    return plain_text(text or "")


@register.filter
def person_name(user) -> str:
    """A user as people know them: "Priya Raman (@praman)", from the person the selector loaded
    with the user; the username where there is no person (or it was not loaded, which would
    cost a query per name); "a former member" for a deleted account."""
    if user is None:
        return "a former member"
    person = user._state.fields_cache.get("person") if User.person.is_cached(user) else None
    return str(person) if person is not None else user.get_username()


@register.filter
def duration_left(delta) -> str:
    """A timedelta as "3 days 4 hours" or "45 minutes"; "closing now" once it has run out."""
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "closing now"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} day{'s' * (days != 1)} {hours} hour{'s' * (hours != 1)}"
    if hours:
        return f"{hours} hour{'s' * (hours != 1)} {minutes} min"
    return f"{minutes} min"
