"""The public pages: released announcements, and how to become a maintainer under the current
rules."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance.public_cache import cached_public_page
from nominations import selectors
from nominations.models import Criterion, DecisionKind
from nominations.voting_rules import (
    NOT_CRITERIA,
    OTHER_DEFAULT_RULES,
    POLICIES,
    current_rules,
    lead_removal_text,
)


@cached_public_page
@require_GET
def announcements(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "nominations/announcements.html",
        {"announcements": selectors.announcements_public()[:100]},
    )


@cached_public_page
@require_GET
def become_maintainer(request: HttpRequest) -> HttpResponse:
    rules = current_rules()
    return render(
        request,
        "nominations/become_maintainer.html",
        {
            "policies": [
                (
                    rules[kind],
                    [Criterion(c).label for c in rules[kind].criteria if c not in NOT_CRITERIA],
                )
                for kind in POLICIES
            ],
            "other_rules": [rules[kind] for kind in OTHER_DEFAULT_RULES],
            "lead_removal_text": lead_removal_text(rules[DecisionKind.LEAD_REMOVAL]),
        },
    )
