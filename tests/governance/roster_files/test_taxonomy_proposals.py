"""Taxonomy proposals in the browser: built step by step, shown beside the current taxonomy,
applied in one step once a proposal vote accepts it, and the exported files follow."""

import contextlib
import datetime

import pytest
import yaml
from django.utils import timezone

from governance import roster_files, selectors, services
from governance.models import (
    Module,
    ModuleStatus,
    ProposalStatus,
    Role,
    RoleStatus,
    TaxonomyRevision,
)
from nominations import services as nomination_services
from nominations.models import BallotChoice, ProposalKind
from tests.governance.roster_files.conftest import add_maintainer

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def freeze_after(moment: datetime.datetime):
    """`timezone.now()` answers a minute after `moment` inside the block."""
    real_now = timezone.now
    timezone.now = lambda: moment + datetime.timedelta(minutes=1)
    try:
        yield
    finally:
        timezone.now = real_now


@pytest.fixture
def distributed(module):
    """A module with two maintainers, to split."""
    dist = Module.objects.create(
        name="Distributed", slug="distributed", path_patterns="torch/distributed/**"
    )
    add_maintainer(dist, "Jo Keller", "jkeller2")
    add_maintainer(dist, "Ray Duarte", "rduarte2")
    return dist


@pytest.fixture
def proposal(core1):
    return services.taxonomy_proposal_create(
        actor=core1, title="Split distributed", reason="It grew too large."
    )


def accepted_by_a_vote(proposal, lead, core1, core2, core3):
    """Put the draft to the core maintainers, who accept it; core3 records the decision."""
    vote = nomination_services.proposal_create(
        actor=core1,
        kind=ProposalKind.TAXONOMY_REVISION,
        title=proposal.title,
        text=proposal.reason or "As drafted.",
        taxonomy_proposal=proposal,
    ).vote
    vote = nomination_services.voting_open(
        actor=core2, nomination=vote, deadline=timezone.now() + datetime.timedelta(days=8)
    )
    for voter in (lead, core1, core2):
        nomination_services.ballot_cast(actor=voter, nomination=vote, choice=BallotChoice.APPROVE)
    with freeze_after(vote.voting_deadline):
        nomination_services.voting_close_expired(nomination_id=vote.pk)
    nomination_services.proposal_decide(
        actor=core3,
        vote=vote,
        outcome="accepted",
        reasons="It grew too large.",
        public_outcome="Distributed is split.",
    )
    proposal.refresh_from_db()
    return vote


def post_step(client, proposal, operation: str, data: dict):
    return client.post(
        f"{proposal.get_absolute_url()}steps/{operation}/",
        {f"{operation}-{key}": value for key, value in data.items()},
    )


def test_it_builds_shows_and_applies_a_proposal_once_a_vote_accepts_it(
    client_for, proposal, distributed, maintainer, lead, core1, core2, core3, core4
):
    client = client_for("core1")
    steps = [
        ("add", {"name": "Distributed Checkpointing", "group": "core", "path_patterns": "torch/distributed/checkpoint/**"}),
        ("add", {"name": "Distributed Training", "slug": "dist-training", "group": "core"}),
        ("split", {"source": "distributed", "into": ["distributed-checkpointing", "dist-training"], "assignments": "jkeller2: dist-training"}),
        ("rename", {"module": "nn-apis", "name": "Neural Networks", "includes": "torch.nn"}),
        ("merge", {"sources": ["nn-apis"], "into": "dist-training"}),
    ]  # fmt: skip
    for operation, data in steps:
        assert post_step(client, proposal, operation, data).status_code == 302, operation

    page = client.get(proposal.get_absolute_url()).content.decode()

    assert "Current taxonomy" in page
    assert "Proposed taxonomy" in page
    assert "Where each maintainer lands" in page
    # Jo goes to training only; Ray, unassigned, lands in both parts.
    assert "<td>Distributed</td>\n              <td>Distributed Training</td>" in page
    assert (
        "<td>Distributed</td>\n              <td>Distributed Checkpointing, Distributed Training</td>"
        in page
    )
    assert "split into Distributed Checkpointing, Distributed Training" in page
    assert not TaxonomyRevision.objects.exists()  # nothing changes before it is applied

    vote = accepted_by_a_vote(proposal, lead, core1, core2, core3)

    assert proposal.status == ProposalStatus.APPLIED
    assert proposal.revision.reason == "It grew too large."
    assert proposal.revision.vote_url == vote.get_absolute_url()
    assert Module.objects.get(slug="distributed").status == ModuleStatus.RETIRED
    training = Module.objects.get(slug="dist-training")
    assert set(
        training.roles.filter(status=RoleStatus.ACTIVE).values_list("person__github", flat=True)
    ) == {"jkeller2", "rduarte2", "hsato"}
    rules = {
        rule["name"]: rule
        for rule in yaml.safe_load(roster_files.merge_rules_yaml(selectors.roster_for_export()))
    }
    assert "Distributed" not in rules
    assert rules["Distributed Checkpointing"]["approved_by"] == ["rduarte2"]
    assert "torch/nn/**" in rules["Distributed Training"]["patterns"]  # merged in with its paths


def test_it_refuses_an_invalid_path_pattern_as_a_form_error(client_for, proposal):
    response = post_step(
        client_for("core1"),
        proposal,
        "add",
        {"name": "Bad", "group": "core", "path_patterns": "/etc/passwd\nok/**"},
    )

    assert response.status_code == 400
    assert "line 1: &#x27;/etc/passwd&#x27; must be relative" in response.content.decode()
    assert not proposal.steps.exists()


@pytest.mark.parametrize(
    ("operation", "data", "message"),
    [
        ("add", {"name": "NN APIs (torch.nn)", "slug": "nn-2", "group": "core"}, "already named"),
        ("add", {"name": "Other", "slug": "nn-apis", "group": "core"}, "is taken"),
        ("split", {"source": "nn-apis", "into": ["nn-apis"]}, "at least two parts"),
        ("sunset", {"module": "missing"}, "Select a valid choice"),
    ],
)
def test_it_refuses_a_step_that_could_not_apply(
    client_for, proposal, module, operation, data, message
):
    response = post_step(client_for("core1"), proposal, operation, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not proposal.steps.exists()


def test_it_refuses_to_remove_a_step_a_later_one_needs(client_for, proposal, module, core1):
    services.taxonomy_proposal_add_step(
        actor=core1,
        proposal=proposal,
        operation="add",
        data={"name": "New", "slug": "new", "group": "core"},
    )
    services.taxonomy_proposal_add_step(
        actor=core1,
        proposal=proposal,
        operation="merge",
        data={"sources": ["nn-apis"], "into": "new"},
    )
    client = client_for("core1")

    client.post(f"{proposal.get_absolute_url()}steps/1/remove/")
    assert proposal.steps.count() == 2
    client.post(f"{proposal.get_absolute_url()}steps/2/remove/")

    assert list(proposal.steps.values_list("position", "operation")) == [(1, "add")]


def test_it_sunsets_a_module_and_the_files_list_it_there(
    client_for, proposal, maintainer, module, lead, core1, core2, core3, core4
):
    client = client_for("core1")
    post_step(client, proposal, "sunset", {"module": "nn-apis"})

    accepted_by_a_vote(proposal, lead, core1, core2, core3)

    text = roster_files.persons_of_interest_markdown(selectors.roster_for_export())
    assert text.endswith(
        "## Sunsetted Modules\n\n### NN APIs (torch.nn) (includes torch.nn)\n\n- Hana Sato ([hsato](https://github.com/hsato))\n"
    )
    assert Role.objects.get(person__github="hsato").status == RoleStatus.ACTIVE


def test_it_withdraws_a_proposal_which_then_cannot_change(client_for, proposal, core1):
    client_for("core1").post(f"{proposal.get_absolute_url()}withdraw/")

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    with pytest.raises(Exception, match="no longer a draft"):
        services.taxonomy_proposal_add_step(
            actor=core1, proposal=proposal, operation="sunset", data={"module": "x"}
        )
