"""The pages that let voters and the public check counts: a vote's verification page, for its
electorate after the close, and the public transparency page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import permissions
from governance.decorators import private_page
from governance.public_cache import cached_public_page
from nominations import transparency, verification

RECEIPT_LENGTH = 64


@private_page
@require_GET
def vote_verify(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = verification.nomination_for_verification(pk)
    electorate = verification.electorate_of(nomination) if nomination else frozenset()
    if nomination is None or not permissions.can_see_vote_verification(
        request.user, nomination, electorate=electorate
    ):
        raise Http404("No vote here.")
    if not permissions.can_verify_vote(request.user, nomination, electorate=electorate):
        raise PermissionDenied("The count can be checked once voting has closed.")
    show_owners = permissions.can_see_receipt_owners(
        request.user, nomination, electorate=electorate
    )
    checked = verification.vote_verification(nomination, request.user, show_owners=show_owners)
    receipt = request.GET.get("receipt", "")[: RECEIPT_LENGTH * 2]
    return render(
        request,
        "nominations/vote_verify.html",
        {
            "nomination": nomination,
            "checked": checked,
            "show_owners": show_owners,
            "receipt": receipt,
            "receipt_answer": checked.check(receipt) if receipt.strip() else "",
        },
    )


@cached_public_page
@require_GET
def transparency_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "nominations/transparency.html",
        {"votes": transparency.closed_votes_public()},
    )
