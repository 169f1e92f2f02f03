"""Public pages and formats. They read published versions only (and the public schedule of
upcoming meetings): never the working copy."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from governance import permissions
from governance import selectors as governance_selectors
from governance.public_cache import cached_public_page
from meetings import selectors
from meetings.forms import SearchForm, normal_search_text
from meetings.forum_post import forum_post
from meetings.ical import Event, calendar
from meetings.models import MeetingKind, MinutesVersion
from meetings.redaction import grouped_reasons
from meetings.snippets import highlighted, markdown_snippet, query_terms, snippet
from nominations import selectors as nomination_selectors

HOME_MINUTES = 5
EXPORT_LIMIT = 20


@cached_public_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/home.html",
        {
            "core_team": governance_selectors.core_team(),
            "roster_changes": governance_selectors.roster_changes_latest(),
            "latest_minutes": selectors.latest_versions().defer("markdown", "html")[:HOME_MINUTES],
        },
    )


@cached_public_page
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/meeting_list.html",
        {"versions": selectors.latest_versions().defer("markdown", "html")},
    )


def _version_page(request: HttpRequest, slug: str, number: int | None) -> HttpResponse:
    versions = selectors.versions_of(slug)
    if not versions:
        raise Http404("No published minutes have this address.")
    current = selectors.current_version(versions)
    version = (
        current
        if number is None
        else next((candidate for candidate in versions if candidate.number == number), None)
    )
    if version is None:
        raise Http404(f"These minutes have no version {number}.")
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "version": version,
            "current": current,
            "versions": versions,
            "withheld": grouped_reasons(version.redaction_log or {}),
        },
    )


@cached_public_page
@require_GET
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _version_page(request, slug, None)


@cached_public_page
@require_GET
def meeting_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _version_page(request, slug, number)


def site_link(path: str) -> str:
    """An absolute link on SITE_URL: never the request's Host header, which the reader
    writes, nor whichever of the allowed host names the request came in on."""
    return f"{settings.SITE_URL}{path}"


class MinutesFeed(Feed):
    """One entry per published version, so that a correction shows up with its date. Its
    links are absolute already, so the syndication framework leaves them on SITE_URL."""

    feed_type = Atom1Feed
    title = "Published minutes"
    subtitle = "Minutes of the core maintainers' meetings, as published (redacted)."

    def link(self) -> str:
        return site_link(reverse("meetings:list"))

    def feed_url(self) -> str:
        return site_link(reverse("meetings:feed"))

    def items(self) -> list[MinutesVersion]:
        return list(selectors.versions_for_feed())

    def item_title(self, item: MinutesVersion) -> str:
        return item.title if item.number == 1 else f"{item.title} (version {item.number})"

    def item_description(self, item: MinutesVersion) -> str:
        return item.html

    def item_link(self, item: MinutesVersion) -> str:
        return site_link(reverse("meetings:version", args=[item.slug, item.number]))

    def item_pubdate(self, item: MinutesVersion) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: MinutesVersion) -> datetime.datetime:
        return item.published_at


@cached_public_page
@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    published, upcoming = selectors.calendar_meetings()
    # UIDs name the site, not whichever host name the request came in on, so they stay stable.
    domain = urlsplit(settings.SITE_URL).hostname
    events = [
        Event(
            uid=f"meeting-{version.meeting_id}@{domain}",
            starts_at=version.starts_at,
            ends_at=version.starts_at + datetime.timedelta(minutes=version.duration_minutes),
            summary=version.title,
            description=f"Minutes: {site_link(reverse('meetings:detail', args=[version.slug]))}",
            url=site_link(reverse("meetings:detail", args=[version.slug])),
        )
        for version in published
    ] + [
        Event(
            uid=f"meeting-{meeting.pk}@{domain}",
            starts_at=meeting.starts_at,
            ends_at=meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes),
            summary=meeting.title,
            description=(
                f"Announcement and agenda: {meeting.announcement_url}"
                if meeting.announcement_url
                else ""
            ),
            url=meeting.announcement_url,
        )
        for meeting in upcoming
    ]
    body = calendar(
        events,
        name=f"{settings.SITE_NAME}: meetings",
        product=f"-//{settings.SITE_NAME}//Meetings//EN",
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


def _export_refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A page, not bare text: whoever pressed "Export" with nothing ticked reads what to do."""
    return render(request, "meetings/export_refused.html", {"message": message}, status=status)


def _export_slugs(query: QueryDict) -> list[str]:
    return list(dict.fromkeys(slug for slug in query.getlist("m") if slug))


def _export_refusal(slugs: list[str]) -> str | None:
    if not slugs:
        return "Choose at least one published meeting: tick it in the list, then export."
    try:
        for slug in slugs:
            validate_slug(slug)
    except ValidationError:
        return "A meeting's address has letters, digits and hyphens only."
    if len(slugs) > EXPORT_LIMIT:
        return f"Export at most {EXPORT_LIMIT} meetings at once."
    return None


def _export_query(query: QueryDict) -> list[tuple[str, str]] | None:
    # The post lists the meetings in the selector's order, whatever order the slugs come in.
    slugs = _export_slugs(query)
    return None if _export_refusal(slugs) else [("m", slug) for slug in sorted(slugs)]


@cached_public_page(query=_export_query)
@require_GET
def export_markdown(request: HttpRequest) -> HttpResponse:
    """`?m=<slug>&m=<slug>`: those published meetings as one post, ready to paste."""
    slugs = _export_slugs(request.GET)
    refusal = _export_refusal(slugs)
    if refusal:
        return _export_refused(request, refusal, 400)
    versions = selectors.versions_by_slugs(slugs)
    missing = sorted(set(slugs) - {version.slug for version in versions})
    if missing:
        return _export_refused(request, f"No published minutes for: {', '.join(missing)}.", 404)
    body = forum_post(
        versions,
        site_url=settings.SITE_URL,
        all_quarterly=all(version.meeting_kind == MeetingKind.QUARTERLY for version in versions),
    )
    response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="minutes.md"'
    return response


def _search_query(query: QueryDict) -> list[tuple[str, str]] | None:
    # As SearchForm reads it (its field refuses NUL), without building a form on every hit.
    text = query.get("q", "")
    if "\x00" in text:
        return None
    text = normal_search_text(text)
    return [("q", text)] if text else []


# Anonymous readers search the public roster and published snapshots only, so a query's page is the same for all of
# them until the next publication: cached per search, each entry expiring on its own. Core
# maintainers' pages hold private notes and are marked private, so they are never stored.
@cached_public_page(query=_search_query)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    private = permissions.can_search_private_notes(request.user)
    context = {
        "form": form,
        "query": query,
        "private": private,
        "people": [],
        "modules": [],
        "results": [],
        "announcements": [],
        "private_results": [],
    }
    if query:
        terms = query_terms(query)
        context.update(
            people=[
                (person, highlighted(f"{person.full_name} @{person.github}", terms))
                for person in governance_selectors.people_matching(terms)
            ],
            modules=[
                # Shown as written on the module's page, not as Markdown.
                (module, snippet(f"{module.includes} {module.description}", terms))
                for module in governance_selectors.modules_matching(terms)
            ],
            results=[
                (version, markdown_snippet(version.markdown, terms))
                for version in selectors.search_published(query)
            ],
            announcements=[
                (announcement, markdown_snippet(announcement.text, terms))
                for announcement in nomination_selectors.announcements_matching(
                    terms, selectors.SEARCH_LIMIT
                )
            ],
        )
        if private:
            context["private_results"] = [
                (item, markdown_snippet(item.notes, terms))
                for item in selectors.search_private(query)
            ]
    response = render(request, "meetings/search.html", context, status=400 if form.errors else 200)
    if private:
        patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    return response
