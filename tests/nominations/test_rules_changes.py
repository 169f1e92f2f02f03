"""Voting rules set by the project: staff change them in the admin, the change is audited, and
it applies only to votes opened after it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape

from governance.models import AuditEvent
from nominations import services
from nominations.models import Method, NominationKind, VotingRule
from nominations.voting_rules import RULE_FIELDS, current_rules, policy_of_vote

pytestmark = pytest.mark.django_db

KIND = NominationKind.MODULE_MAINTAINER


def _admin_form(rule: VotingRule, **changes) -> dict:
    data = {name: getattr(rule, name) for name in RULE_FIELDS}
    data.update(changes)
    # An unchecked box is absent from a submitted form.
    return {
        name: ("on" if value is True else value)
        for name, value in data.items()
        if value is not False
    }


def test_it_lets_staff_change_a_rule_in_the_admin_and_audits_the_change(staff_client):
    rule = VotingRule.objects.get(kind=KIND)

    response = staff_client.post(
        f"/admin/nominations/votingrule/{rule.pk}/change/",
        _admin_form(rule, method=Method.LAZY_CONSENSUS, objections_to_block=2),
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.method, rule.objections_to_block) == (Method.LAZY_CONSENSUS, 2)
    event = AuditEvent.objects.get(verb="voting_rule.updated")
    assert event.actor_label == "staff"
    assert event.data == {
        "before": {"method": "approval", "objections_to_block": 1},
        "after": {"method": "lazy_consensus", "objections_to_block": 2},
    }


def test_it_refuses_a_rule_change_from_a_core_maintainer(core1):
    with pytest.raises(PermissionDenied):
        services.voting_rule_update(actor=core1, kind=KIND, changes={"secret": False})

    assert VotingRule.objects.get(kind=KIND).secret is True


def test_it_refuses_a_rule_that_would_let_one_person_decide():
    with pytest.raises(ValidationError):
        services.voting_rule_update(actor=None, kind=KIND, changes={"min_voters": 1})

    assert VotingRule.objects.get(kind=KIND).min_voters == 3


def test_it_applies_a_rule_change_only_to_votes_opened_after_it(build, client_for):
    before = build.voting(kind=KIND)
    services.voting_rule_update(
        actor=None, kind=KIND, changes={"method": Method.CONSENT, "secret": False}
    )
    after = build.voting(kind=KIND, nominee=build.person("Ana Lima", "ana-lima"))

    assert policy_of_vote(before).method == Method.APPROVAL
    assert policy_of_vote(after).method == Method.CONSENT
    old_page = client_for("core2").get(before.get_absolute_url()).content.decode()
    new_page = client_for("core2").get(after.get_absolute_url()).content.decode()
    assert "Approval vote, under the rule as it stood when the vote opened" in old_page
    assert "Accepted when more than half of the approve and decline votes approve" in old_page
    assert "Consent, under the rule as it stood when the vote opened" in new_page
    assert "By consent: accepted unless a core maintainer blocks it" in new_page


def test_it_shows_the_current_rules_on_become_a_maintainer(client_for):
    services.voting_rule_update(
        actor=None, kind=KIND, changes={"method": Method.LAZY_CONSENSUS, "objections_to_block": 2}
    )

    content = client_for("anonymous").get("/become-a-maintainer/").content.decode()

    section = content.split(f'id="policy-{KIND}"', 1)[1].split("</section>", 1)[0]
    assert "accepted at the deadline unless 2 core maintainers object" in section
    for rule in current_rules().values():
        assert escape(rule.title) in content


def test_it_ends_the_lead_s_role_only_under_the_lead_removal_rule(build, lead):
    nomination = build.voting(
        kind=NominationKind.REMOVAL,
        nominee=lead.person,
        ending_role=lead.person.roles.get(kind="lead_core_maintainer"),
    )

    frozen = nomination.policy
    assert frozen["rule_kind"] == "lead_removal"
    assert (frozen["threshold"], frozen["threshold_of_electorate"]) == ([3, 4], True)
