"""The core maintainers' dashboard runs its nomination lists as one statement compiled once per
process, with the viewer's id and the clock put in: each list must hold exactly the rows its
own queryset (the one the whole-list pages page through) gives, for every viewer."""

import pytest
from django.utils import timezone

from nominations import dashboard_selectors, services
from nominations.models import BallotChoice, NominationKind, Outcome

pytestmark = pytest.mark.django_db


def test_it_lists_on_the_dashboard_what_each_list_s_own_query_gives(build):
    build.decided(outcome=Outcome.DECLINED, kind=NominationKind.CORE_REVIEWER)
    build.closed(passed=True, nominee=build.person("Closed Vote", "closed-vote"))
    voted, recused, awaited = (
        build.voting(nominee=build.person(f"Voting {n}", f"voting-{n}"), evidence=False)
        for n in range(3)
    )
    services.ballot_cast(actor=build.core1, nomination=voted, choice=BallotChoice.APPROVE)
    services.elector_recuse(actor=build.core3, nomination=recused, reason="Same team.")
    theirs = build.voting(
        nominee=build.core2.person, kind=NominationKind.CORE_REVIEWER, evidence=False
    )
    build.draft(nominee=build.person("Drafted", "drafted"))
    build.opened(nominee=build.person("Gathering", "gathering"), evidence=False)
    now = timezone.now()

    for viewer in (build.core1, build.core2, build.core3, build.lead):
        first_rows = dashboard_selectors.first_rows_of_lists(viewer, now)
        for slug in dashboard_selectors.NOMINATION_LISTS:
            queryset = dashboard_selectors.SECTIONS[slug].rows(viewer, now)
            assert first_rows[slug] == list(queryset[: dashboard_selectors.DASHBOARD_ROWS + 1]), (
                slug
            )

    def voting_lists(viewer):
        lists = dashboard_selectors.first_rows_of_lists(viewer, now)
        return [row["pk"] for row in lists["awaiting"]], [row["pk"] for row in lists["voting"]]

    assert voting_lists(build.core1) == ([recused.pk, awaited.pk, theirs.pk], [voted.pk])
    assert voting_lists(build.core3) == ([voted.pk, awaited.pk, theirs.pk], [recused.pk])
    # The nominee (recused from their own vote) does not see it listed at all.
    assert voting_lists(build.core2) == ([voted.pk, recused.pk, awaited.pk], [])
