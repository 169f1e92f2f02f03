"""Hypothesis drives every form and upload with hostile input: huge, binary, NUL, lone
surrogates, bidirectional overrides, zero-width and combining marks, markup and SQL-ish text,
wrong types, missing and repeated fields. Every answer is a success or a clear 4xx, never a 5xx;
a refused post leaves no row and queues no notification; what was typed comes back escaped.

`FUZZ_EXAMPLES` sets the examples per endpoint (default 15). `make test` draws the same examples
every run (tests/conftest.py's `deterministic` profile); `make fuzz` draws fresh ones, 300 per
endpoint, and keeps what fails in var/hypothesis. Run it on both databases: NUL only breaks
PostgreSQL.
"""

import pytest
from django.http import HttpResponse
from django.test import Client
from hypothesis import strategies as st

from tests.security.conftest import client_with_cookies
from tests.security.fuzz_strategies import FUZZ, posts
from tests.security.fuzz_targets import (
    TARGETS,
    admin_add_form,
    admin_add_models,
    admin_add_path,
    route_map,
)
from tests.security.fuzzing import fuzz, fuzz_all, fuzz_query, problems_with
from tests.security.matrix import accepted_methods, cells, path_of
from tests.security.matrix_rules import ADMIN_RULE

pytestmark = pytest.mark.django_db


def _route_fuzz(world, signed_in, pattern: str):
    target, route = TARGETS[pattern], route_map()[pattern]
    template = signed_in(target.persona)
    cases = target.cases(world)
    assert cases, f"{pattern}: the world has nothing to fill it with"
    # Each case's strategy built once: built per example, as a flatmap would, hypothesis spent
    # more time on building than on drawing.
    strategy = st.one_of(
        [st.tuples(st.just(case), posts(target.form(world, case), target.known)) for case in cases]
    )
    return lambda: fuzz(
        lambda: client_with_cookies(template.cookies),
        path_for=lambda drawn: path_of(route, drawn[0].kwargs),
        strategy=strategy,
        post_of=lambda drawn: drawn[1],
    )


# About sixty forms in all, dealt into shards so that parallel workers share them; each shard
# fuzzes every SHARDS-th route and admin form in a fixed order. Each example is one request: a
# second a request is several times what a busy machine needs, and still ends a hung run.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.timeout(20 * FUZZ.max_examples)
def test_it_answers_hostile_posts_with_a_success_or_a_clear_4xx(world, signed_in, shard):
    """Every POST route of the URLconf, and the admin's add forms."""
    staff = world.user("staff")
    admin_template = signed_in("staff")
    runs = {
        pattern: _route_fuzz(world, signed_in, pattern)
        for pattern in sorted(TARGETS)[shard::SHARDS]
    }
    admin_models = sorted(admin_add_models(staff), key=admin_add_path)
    for model in admin_models[shard::SHARDS]:
        runs[admin_add_path(model)] = lambda model=model: fuzz(
            lambda: client_with_cookies(admin_template.cookies),
            path_for=lambda drawn: admin_add_path(model),
            strategy=posts(admin_add_form(model, staff)),
        )
    failures = fuzz_all(runs)
    assert not failures, f"{len(failures)} of {len(runs)} forms fail:\n" + "\n".join(failures)


def test_it_answers_hostile_searches_and_exports_with_a_page(world, signed_in):
    """The public GET forms: the search box (core maintainers also search the private notes)
    and the Markdown export of a meeting."""
    slugs = (world.published_meeting.slug, world.draft_meeting.slug)
    queries = (
        ("/meetings/search/", "q", ("redacted", "meeting")),
        ("/meetings/export.md", "m", slugs),
    )
    templates = {persona: signed_in(persona) for persona in ("anonymous", "core1")}
    runs = {
        f"{persona} {path}?{name}=": lambda cookies=template.cookies, path=path, name=name, known=known: (
            fuzz_query(lambda: client_with_cookies(cookies), path, name, known)
        )
        for persona, template in templates.items()
        for path, name, known in queries
    }
    failures = fuzz_all(runs)
    assert not failures, f"{len(failures)} of {len(runs)} fail:\n" + "\n".join(failures)


def test_it_fuzzes_every_route_that_accepts_post(world, signed_in):
    """A route that starts accepting POST must say here what it reads, so it is fuzzed."""
    probe = signed_in("outsider")
    posting = {
        route.pattern
        for route, rule, case, path in cells(world, one_case_per_route=True)
        if rule is not ADMIN_RULE and "POST" in accepted_methods(probe, route, path, case.query)
    }
    assert posting - set(TARGETS) == set(), "routes accept POST but are not fuzzed"
    assert set(TARGETS) - posting == set(), "fuzz targets for routes that refuse POST"


def test_it_finds_a_refused_post_that_wrote_to_the_state():
    refused = HttpResponse("<h1>Bad request</h1>", status=400)

    def problems(written):
        return problems_with(refused, written=written, queued=[], follow=Client())

    assert problems({"nominations_evidenceentry", "django_session"}) == [
        "refused the input but wrote to ['nominations_evidenceentry']"
    ]
    # A refused sign-in is counted by django-axes; that is no state of the project.
    assert problems({"axes_accessfailurelog", "django_session"}) == []
