"""The nomination page's vote section: the electorate, each elector with whether they voted or
recused, and who voted what, with every name, reason and comment escaped."""

import re

from governance.models import Role, RoleKind
from nominations.models import BallotChoice, NominationKind


def section(page: str, opening: str, closing: str) -> list[str]:
    start = page.index(opening)
    return re.findall(r"<li>(.*?)</li>", page[start : page.index(closing, start)])


def test_it_lists_each_elector_with_whether_they_voted_or_recused(build, client_for):
    nomination = build.voting(recused={build.core3: "Same <b>team</b>."})
    build.vote(nomination, {build.core2: BallotChoice.APPROVE})

    page = client_for("core1").get(nomination.get_absolute_url()).content.decode()

    assert section(page, "Electorate (", "</details>") == [
        "Morgan Adeyemi (@madeyemi)",
        "Priya Raman (@praman)",
        "Jonas Keller (@jkeller): voted",
        "Amara Nwosu (@anwosu): recused (Same &lt;b&gt;team&lt;/b&gt;.)",
        "Tomasz Zielinski (@tzielinski)",
    ]


def test_it_lists_who_voted_what_with_each_comment_on_an_open_ballot(build, client_for):
    role = Role.objects.get(person=build.maintainer.person, kind=RoleKind.MODULE_MAINTAINER)
    nomination = build.voting(
        nominee=build.maintainer.person, kind=NominationKind.EMERITUS, ending_role=role
    )
    build.vote(nomination, {build.core2: BallotChoice.APPROVE}, comment="Strong <i>reviews</i>.")
    build.vote(nomination, {build.core1: BallotChoice.DECLINE})

    page = client_for("core1").get(nomination.get_absolute_url()).content.decode()

    assert section(page, '<ul class="ballots">', "</ul>") == [
        "Jonas Keller (@jkeller): approve · Strong &lt;i&gt;reviews&lt;/i&gt;.",
        "Priya Raman (@praman): decline",
    ]
