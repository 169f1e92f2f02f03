"""The operations of `/api/v1/`. Each reads through a public selector, the one its public page
reads, and copies out the public fields its schema names.

Version 1 is frozen once released: a change that breaks a client (a field removed or renamed,
a meaning changed) goes into `/api/v2/` beside it, and fields are only ever added to v1."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Query
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from api import schemas
from api.http import public_api_view
from api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_query, paginate
from governance import selectors as governance_selectors
from governance.public_cache import reads_no_query
from meetings import selectors as meetings_selectors
from nominations import selectors as nominations_selectors

api = NinjaAPI(
    title="Maintainer governance: public API",
    version="1",
    description=(
        "Read-only JSON of what the public pages show: the roster, published minutes and "
        "released announcements. Lists are paginated; every answer carries an ETag and a "
        "Last-Modified for conditional requests."
    ),
    urls_namespace="api-v1",
    # The documentation is our own page rendered on the server (api.docs), which works without
    # JavaScript like every page of the site, rather than the bundled Swagger UI: a large
    # third-party script that every change of the strict Content-Security-Policy would have
    # to be checked against.
    docs_url=None,
    # The schema, like every page of the site, is read with GET only.
    docs_decorator=require_GET,
)

ERRORS = {404: schemas.Problem, 422: dict}
PageNumber = Query(1, ge=1, description="The page, from 1.")
PageSize = Query(
    DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items a page, {MAX_PAGE_SIZE} at most."
)


def _person(listed) -> dict:
    return {"full_name": listed.full_name, "github": listed.github or None}


def _people(listed) -> list[dict]:
    return [_person(person) for person in listed]


def _module(request: HttpRequest, module) -> dict:
    return {
        "slug": module.slug,
        "name": module.name,
        "includes": module.includes,
        "group": module.group,
        "group_name": module.group_name,
        "paths": list(module.patterns),
        "maintainers": _people(module.maintainers),
        "reviewers": _people(module.reviewers),
        "emeritus_maintainers": _people(module.emeritus_maintainers),
        "emeritus_reviewers": _people(module.emeritus_reviewers),
        "url": request.build_absolute_uri(reverse("module_detail", args=[module.slug])),
    }


@api.get(
    "/roster",
    response={200: schemas.RosterPage, **ERRORS},
    operation_id="roster",
    summary="The roster: modules with their maintainers, reviewers and emeritus",
    tags=["roster"],
)
@decorate_view(public_api_view(query=page_query))
def roster(
    request: HttpRequest,
    response: HttpResponse,
    page: int = PageNumber,
    page_size: int = PageSize,
):
    # The repository files' roster (five queries, whatever the size): public names and handles
    # only, in the files' stable order. Paged here, in memory.
    listed = governance_selectors.roster_for_export()
    body = paginate(request, response, listed.modules, page, page_size)
    body["results"] = [_module(request, module) for module in body["results"]]
    body["project"] = {
        "lead_core_maintainers": _people(listed.lead),
        "core_maintainers": _people(listed.core),
        "emeritus_lead_core_maintainers": _people(listed.emeritus_lead),
        "emeritus_core_maintainers": _people(listed.emeritus_core),
    }
    return body


def _minutes(request: HttpRequest, version) -> dict:
    return {
        "slug": version.slug,
        "title": version.title,
        "kind": version.meeting_kind,
        "starts_at": version.starts_at,
        "version": version.number,
        "published_at": version.published_at,
        "change_note": version.change_note,
        "redactions": version.redaction_log,
        "markdown": version.markdown,
        "html": version.html,
        "url": request.build_absolute_uri(
            reverse("meetings:version", args=[version.slug, version.number])
        ),
    }


@api.get(
    "/meetings",
    response={200: schemas.MinutesPage, **ERRORS},
    operation_id="meetings",
    summary="Published minutes: the latest version of each meeting, redacted",
    tags=["meetings"],
)
@decorate_view(public_api_view(query=page_query))
def meetings(
    request: HttpRequest,
    response: HttpResponse,
    page: int = PageNumber,
    page_size: int = PageSize,
):
    # Published versions only, never the working copy; a retracted version is left out.
    body = paginate(request, response, meetings_selectors.latest_versions(), page, page_size)
    body["results"] = [_minutes(request, version) for version in body["results"]]
    return body


def _version(request: HttpRequest, version) -> dict:
    # A retracted version reads as the notice of its retraction, as on its public page.
    return {
        "version": version.number,
        "title": version.title,
        "starts_at": version.starts_at,
        "published_at": version.published_at,
        "retracted_at": version.retracted_at,
        "change_note": "" if version.is_retracted else version.change_note,
        "redactions": {} if version.is_retracted else version.redaction_log,
        "markdown": version.markdown,
        "html": version.html,
        "url": request.build_absolute_uri(
            reverse("meetings:version", args=[version.slug, version.number])
        ),
    }


@api.get(
    "/meetings/{slug}",
    response={200: schemas.MeetingMinutes, 404: schemas.Problem},
    operation_id="meeting",
    summary="Every published version of one meeting's minutes, retracted ones as their notice",
    tags=["meetings"],
)
@decorate_view(public_api_view(query=reads_no_query))
def meeting(request: HttpRequest, slug: str):
    # The versions the public page reads; a meeting never published has none, and is not found.
    versions = meetings_selectors.versions_of(slug)
    if not versions:
        raise HttpError(404, "No published minutes have this address.")
    return {
        "slug": slug,
        "current_version": meetings_selectors.current_version(versions).number,
        "versions": [_version(request, version) for version in versions],
    }


def _announcement(request: HttpRequest, announcement) -> dict:
    nominee = announcement.nomination.nominee
    return {
        "id": announcement.pk,
        "text": announcement.text,
        "released_at": announcement.released_at,
        "profile_url": request.build_absolute_uri(nominee.get_absolute_url())
        if nominee.github
        else None,
    }


@api.get(
    "/announcements",
    response={200: schemas.AnnouncementPage, **ERRORS},
    operation_id="announcements",
    summary="Released announcements, newest first",
    tags=["announcements"],
)
@decorate_view(public_api_view(query=page_query))
def announcements(
    request: HttpRequest,
    response: HttpResponse,
    page: int = PageNumber,
    page_size: int = PageSize,
):
    # Released only: a declined or unannounced nomination never has a released announcement.
    released = nominations_selectors.announcements_public()
    body = paginate(request, response, released, page, page_size)
    body["results"] = [_announcement(request, item) for item in body["results"]]
    return body
