"""Downloads of the repository files, written from the public roster."""

from functools import partial

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from governance import layouts, permissions, roster_files, selectors
from governance.public_cache import cached_public_page
from governance.repository_sync import enabled as repository_sync_enabled

TEXT_FILES = {
    "persons_of_interest.md": (partial(layouts.persons_of_interest, fmt="md"), "text/markdown"),
    "persons_of_interest.rst": (partial(layouts.persons_of_interest, fmt="rst"), "text/x-rst"),
    "merge_rules.yaml": (roster_files.merge_rules_yaml, "application/yaml"),
    "CODEOWNERS": (roster_files.codeowners, "text/plain"),
}


def _download(body: str | bytes, *, filename: str, content_type: str) -> HttpResponse:
    charset = "; charset=utf-8" if isinstance(body, str) else ""
    response = HttpResponse(body, content_type=f"{content_type}{charset}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@cached_public_page
@require_safe
def export_index(request: HttpRequest) -> HttpResponse:
    roster = selectors.roster_for_export()
    # Signed-in pages are never cached, so only core maintainers' own responses carry this.
    show_sync = repository_sync_enabled() and permissions.can_see_repository_sync(request.user)
    sync = selectors.repository_sync_state() if show_sync else None
    return render(
        request,
        "governance/exports.html",
        {
            "files": list(TEXT_FILES),
            "modules": roster.modules,
            "show_sync": show_sync,
            "sync": sync,
        },
    )


@cached_public_page
@require_safe
def export_file(request: HttpRequest, filename: str) -> HttpResponse:
    if filename not in TEXT_FILES:
        raise Http404("No export has this name.")
    render_file, content_type = TEXT_FILES[filename]
    return _download(
        render_file(selectors.roster_for_export()), filename=filename, content_type=content_type
    )


@cached_public_page
@require_safe
def owners_archive(request: HttpRequest) -> HttpResponse:
    return _download(
        roster_files.owners_archive(selectors.roster_for_export()),
        filename="OWNERS.zip",
        content_type="application/zip",
    )


@cached_public_page
@require_safe
def owners_file(request: HttpRequest, slug: str) -> HttpResponse:
    module = roster_files.module_in(selectors.roster_for_export(), slug)
    if module is None:
        raise Http404("No active module has this address.")
    return _download(roster_files.owners_file(module), filename="OWNERS", content_type="text/plain")
