"""Hypothesis drives every form and upload with hostile input: huge, binary, NUL, lone
surrogates, bidirectional overrides, zero-width and combining marks, markup and SQL-ish text,
wrong types, missing and repeated fields. Every answer is a success or a clear 4xx, never a 5xx;
a refused post leaves no row and queues no notification; what was typed comes back escaped.

`FUZZ_EXAMPLES` sets the examples per endpoint (default 30). Run it on both databases: NUL only
breaks PostgreSQL.
"""

import pytest
from hypothesis import strategies as st

from tests.security.conftest import client_with_cookies
from tests.security.fuzz_strategies import posts
from tests.security.fuzz_targets import (
    TARGETS,
    admin_add_form,
    admin_add_models,
    admin_add_path,
    route_map,
)
from tests.security.fuzzing import fuzz, fuzz_all, fuzz_query
from tests.security.matrix import ADMIN_RULE, RULES, path_of, rule_for
from tests.security.test_access_matrix import accepted_methods

pytestmark = pytest.mark.django_db

AREAS = {
    "accounts": ("accounts/", "admin/login/", "admin/logout/"),
    "nominations": ("nominations/",),
    "meetings": ("meetings/",),
    "reports": ("reports/",),
}


def _route_fuzz(world, signed_in, pattern: str):
    target, route = TARGETS[pattern], route_map()[pattern]
    template = signed_in(target.persona)
    cases = target.cases(world)
    assert cases, f"{pattern}: the world has nothing to fill it with"
    strategy = st.sampled_from(cases).flatmap(
        lambda case: st.tuples(st.just(case), posts(target.form(world, case), target.known))
    )
    return lambda: fuzz(
        lambda: client_with_cookies(template.cookies),
        path_for=lambda drawn: path_of(route, drawn[0].kwargs),
        strategy=strategy,
        post_of=lambda drawn: drawn[1],
    )


@pytest.mark.parametrize("area", AREAS)
def test_it_answers_hostile_posts_with_a_success_or_a_clear_4xx(world, signed_in, area):
    patterns = [p for p in TARGETS if p.startswith(AREAS[area])]
    assert patterns
    failures = fuzz_all({p: _route_fuzz(world, signed_in, p) for p in patterns})
    assert not failures, f"{len(failures)} of {len(patterns)} routes fail:\n" + "\n".join(failures)


def test_it_answers_hostile_admin_add_forms_with_a_success_or_a_clear_4xx(world, signed_in):
    staff = world.user("staff")
    template = signed_in("staff")
    models = admin_add_models(staff)
    assert models
    failures = fuzz_all(
        {
            admin_add_path(model): lambda model=model: fuzz(
                lambda: client_with_cookies(template.cookies),
                path_for=lambda drawn, model=model: admin_add_path(model),
                strategy=posts(admin_add_form(model, staff)),
            )
            for model in models
        }
    )
    assert not failures, f"{len(failures)} of {len(models)} add forms fail:\n" + "\n".join(failures)


@pytest.mark.parametrize("persona", ["anonymous", "core1"])
def test_it_answers_hostile_searches_and_exports_with_a_page(world, signed_in, persona):
    """The public GET forms: the search box (core maintainers also search the private notes)
    and the Markdown export of a meeting."""
    template = signed_in(persona)
    slugs = (world.published_meeting.slug, world.draft_meeting.slug)
    failures = fuzz_all(
        {
            f"{path}?{name}=": lambda path=path, name=name, known=known: fuzz_query(
                lambda: client_with_cookies(template.cookies), path, name, known
            )
            for path, name, known in (
                ("/meetings/search/", "q", ("redacted", "meeting")),
                ("/meetings/export.md", "m", slugs),
            )
        }
    )
    assert not failures, "\n".join(failures)


def test_it_fuzzes_every_route_that_accepts_post(world, signed_in):
    """A route that starts accepting POST must say here what it reads, so it is fuzzed."""
    probe = signed_in("outsider")
    posting = set()
    for pattern, route in route_map().items():
        if rule_for(route) is ADMIN_RULE:
            continue
        for case in RULES[pattern].cases(world)[:1]:
            if "POST" in accepted_methods(probe, path_of(route, case.kwargs), case.query):
                posting.add(pattern)
    assert posting - set(TARGETS) == set(), "routes accept POST but are not fuzzed"
    assert set(TARGETS) - posting == set(), "fuzz targets for routes that refuse POST"
