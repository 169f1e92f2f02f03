"""The demo states PyTorch's own voting rules through the rules service."""

import pytest

from governance.models import AuditEvent
from nominations.demo import NominationDemoLoader
from nominations.models import DecisionKind, Method
from nominations.voting_rules import current_rules, lead_removal_text

pytestmark = pytest.mark.django_db


def test_it_sets_pytorch_s_rules_once():
    loader = NominationDemoLoader(log=lambda line: None)

    loader.rules()
    loader.rules()

    rules = current_rules()
    assert rules[DecisionKind.MODULE_MAINTAINER].decision_text == (
        "Accepted when more than half of the approve and decline votes approve "
        "(abstentions not counted)"
    )
    assert rules[DecisionKind.CORE_MAINTAINER].lead_confirms
    assert lead_removal_text(rules[DecisionKind.LEAD_REMOVAL]).startswith(
        "Ending a role of the lead core maintainer needs three quarters of all the core maintainers"
    )
    assert rules[DecisionKind.MOTION].method == Method.LAZY_CONSENSUS
    # Only the motion differed from the seeded rules, and the second load changed nothing.
    assert AuditEvent.objects.filter(verb="voting_rule.updated").count() == 1
