import redis
from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from governance import selectors, services
from governance.decorators import private_page
from governance.forms import PeopleFilterForm
from governance.models import RoleKind
from governance.public_cache import cached_public_page

INBOX_PAGE_SIZE = 50
MODULE_MAINTAINER = RoleKind.MODULE_MAINTAINER
MODULE_REVIEWER = RoleKind.MODULE_REVIEWER


@cached_public_page
@require_GET
def module_list(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/module_list.html", {"groups": selectors.module_listing()})


@cached_public_page
@require_GET
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = selectors.module_for_page(slug)
    if module is None:
        renamed_to = selectors.module_slug_renamed_to(slug)
        if renamed_to is None:
            raise Http404("No module has this address.")
        return redirect("module_detail", slug=renamed_to, permanent=True)
    roles = list(module.roles.all())
    maintainers = [r for r in roles if r.kind == MODULE_MAINTAINER and r.is_active]
    return render(
        request,
        "governance/module_detail.html",
        {
            "module": module,
            "maintainers": maintainers,
            "understaffed": selectors.has_too_few_maintainers(module, len(maintainers)),
            "minimum": selectors.MIN_MAINTAINERS,
            "reviewers": [r for r in roles if r.kind == MODULE_REVIEWER and r.is_active],
            "emeritus": [r for r in roles if not r.is_active and not r.was_moved],
            "moved": [r for r in roles if r.was_moved],
            "history": list(module.changes.all()) + module.successors,
        },
    )


def _people_query(query: QueryDict) -> list[tuple[str, str]] | None:
    form = PeopleFilterForm(query)
    if not form.is_valid():
        return None
    return sorted((name, value) for name, value in form.cleaned_data.items() if value)


# Keyed by its filters; a module slug no module has answers 404, which is never stored, so
# invented slugs do not each become an entry.
@cached_public_page(query=_people_query)
@require_GET
def people_directory(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "governance/people_directory.html", {"form": form}, status=400)
    module_slug, status = form.cleaned_data["module"], form.cleaned_data["status"]
    modules = selectors.modules_by_name()
    chosen = next((module for module in modules if module.slug == module_slug), None)
    if module_slug and chosen is None:
        raise Http404("No module has this address.")
    active = {PeopleFilterForm.ACTIVE: True, PeopleFilterForm.EMERITUS: False}.get(status)
    people = selectors.people_directory(module_slug=module_slug, active=active)
    for person in people:
        roles = list(person.roles.all())
        person.current_roles = [role for role in roles if role.is_active]
        person.past_roles = [role for role in roles if not role.is_active]
    return render(
        request,
        "governance/people_directory.html",
        {
            "form": form,
            "people": people,
            "modules": modules,
            "chosen_module": chosen,
            "status": status,
            "status_choices": form.fields["status"].choices,
        },
    )


@cached_public_page
@require_GET
def person_detail(request: HttpRequest, github: str) -> HttpResponse:
    person = selectors.person_for_page(github)
    if person is None:
        if renamed_to := selectors.handle_renamed_to(github):
            return redirect("person_detail", github=renamed_to, permanent=True)
        raise Http404("No one on the roster has this handle.")
    if person.github != github:
        return redirect("person_detail", github=person.github, permanent=True)
    roles = list(person.roles.all())
    return render(
        request,
        "governance/person_detail.html",
        {
            "person": person,
            "current_roles": [role for role in roles if role.is_active],
            "past_roles": [role for role in roles if not role.is_active],
        },
    )


@private_page
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        marked = services.inbox_mark_all_read(actor=request.user)
        messages.success(request, f"Marked {marked} as read." if marked else "Nothing was unread.")
        return redirect("inbox")
    notifications = selectors.inbox_for(request.user)[:INBOX_PAGE_SIZE]
    return render(
        request,
        "governance/inbox.html",
        {"notifications": notifications, "unread": selectors.inbox_unread_count(request.user)},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    if settings.REDIS_URL:
        checks["redis"] = _redis_status(settings.REDIS_URL)
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _redis_status(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return "unavailable"
    return "ok"
