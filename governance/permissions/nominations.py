"""Nomination requests, nominations and their evidence, votes, decisions, feedback and
announcements, proposals and the voting rules.

The nomination is passed in as an object; only its attributes are read here, so that the
policy depends on no other app."""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import BooleanField, Exists, Expression, Model, OuterRef, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from guardian.ctypes import get_content_type
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from governance.models import Person, Role, RoleKind, RoleStatus
from governance.permissions.grants import has_object_permission, objects_granted
from governance.permissions.roles import (
    CORE_KINDS,
    User,
    active_roles,
    is_core_maintainer,
    is_lead_core_maintainer,
    is_module_maintainer,
    is_operator,
    person_of,
)
from governance.permissions.roster import can_view_reports

__all__ = [
    "OPENER_REFUSAL",
    "NominationActions",
    "announcement_release_refusal",
    "can_add_evidence",
    "can_answer_consent",
    "can_apply_rule_change",
    "can_decide",
    "can_edit_evidence",
    "can_edit_voting_rules",
    "can_manage_nomination",
    "can_manage_nominations",
    "can_open_removal_nominations",
    "can_propose",
    "can_read_feedback",
    "can_recuse",
    "can_release_announcement",
    "can_second",
    "can_see_consent_page",
    "can_see_contact_status",
    "can_see_outcome",
    "can_see_receipt_owners",
    "can_see_turnout",
    "can_see_vote_verification",
    "can_see_votes",
    "can_see_who_voted_what",
    "can_start_vote",
    "can_submit_nomination_request",
    "can_triage_request",
    "can_verify_vote",
    "can_view_nomination",
    "can_view_proposal",
    "can_view_request",
    "can_vote",
    "decide_refusal",
    "evidence_open_to_invited",
    "is_nominator",
    "is_nominee",
    "is_request_nominee",
    "is_secret_ballot",
    "nomination_actions",
    "nominations_invited_to",
    "nominations_with_public_vote",
    "nominator_knows_outcome",
    "opened_the_vote",
    "proposals_with_public_vote",
    "requests_to_triage",
    "vote_right",
    "vote_right_holds",
    "vote_right_of_user_id",
]


def can_submit_nomination_request(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_nominations(user: User) -> bool:
    """Triage requests, draft and open nominations, invite evidence, start voting, withdraw,
    draft and release feedback, release announcements."""
    return is_core_maintainer(user)


def is_request_nominee(user: User, nomination_request) -> bool:
    """Whether a nomination request names `user`. A request names its nominee by GitHub handle
    only: it is the person whose handle matches, regardless of case (handles are, and taking a
    request up matches them so). Once taken up, it is also the nominee of the nomination made
    from it, which still holds if they have changed their handle since."""
    person = person_of(user)
    if person is None:
        return False
    if person.github and person.github.lower() == nomination_request.nominee_github.lower():
        return True
    try:
        nomination = nomination_request.nomination
    except ObjectDoesNotExist:
        return False
    return nomination.nominee_id == person.pk


def can_view_request(user: User, nomination_request) -> bool:
    """A nomination request and its rationale (which becomes the nomination's): the core
    maintainers who triage, never the person it names, exactly as for the nomination. Its
    requester follows its status on their dashboard."""
    return can_manage_nominations(user) and not is_request_nominee(user, nomination_request)


def can_triage_request(user: User, nomination_request) -> bool:
    """Take up or reject a request: whoever may read it. No one triages a request about
    themselves."""
    return can_view_request(user, nomination_request)


def requests_to_triage(user: User, queryset):
    """The pending requests of `queryset` that `user` may triage (`can_triage_request` for every
    row, in the same query). A pending request has no nomination yet, so the handle alone names
    its nominee."""
    if not can_manage_nominations(user):
        return queryset.none()
    names_user = Person.objects.filter(user=user, github__iexact=OuterRef("nominee_github"))
    return queryset.filter(status="pending").exclude(Exists(names_user))


def can_answer_consent(user: User, nomination) -> bool:
    """The nominee, asked to accept their nomination before its vote: the consent page shows
    them the role, never the evidence, the nominators' rationale or the vote."""
    return (
        not nomination.is_proposal
        and is_nominee(user, nomination)
        and nomination.nominee_consent == "asked"
    )


def can_see_consent_page(user: User, nomination) -> bool:
    return is_nominee(user, nomination) and nomination.nominee_consent != ""


def can_second(user: User, nomination) -> bool:
    """A core maintainer who is neither its nominee nor one of its nominators."""
    return (
        not nomination.is_proposal
        and can_manage_nomination(user, nomination)
        and not is_nominator(user, nomination)
    )


def can_propose(user: User) -> bool:
    """Put a proposal (a motion, a taxonomy revision, an emeritus batch, a rule change) to the
    core maintainers: any active core maintainer."""
    return can_manage_nominations(user)


def can_view_proposal(user: User, vote) -> bool:
    """A proposal, its text, its vote and its objections: the core maintainers, none of whom is
    its nominee (a proposal has none). Anyone else may not know it exists."""
    return bool(vote.is_proposal and can_manage_nomination(user, vote))


def can_manage_nomination(user: User, nomination) -> bool:
    """Act on one nomination: a core maintainer who is not its nominee."""
    return can_manage_nominations(user) and not is_nominee(user, nomination)


def _is_invited(user: User, perm: str, nomination) -> bool:
    """Invited into the thread, and still a maintainer of the module: retiring the role ends
    the invitation on the very next request."""
    return is_module_maintainer(user, nomination.module_id) and has_object_permission(
        user, perm, nomination
    )


def can_view_nomination(user: User, nomination) -> bool:
    """The nomination page with its evidence thread: core maintainers, and module maintainers
    invited into the thread. Never its nominee, who reads only the feedback meant for them."""
    if is_nominee(user, nomination):
        return False
    return is_core_maintainer(user) or _is_invited(user, "nominations.view_evidence", nomination)


def nominations_invited_to(user: User, queryset):
    """The nominations of `queryset` whose evidence thread `user` may read by invitation."""
    modules = [module for kind, module in active_roles(user) if kind == RoleKind.MODULE_MAINTAINER]
    return objects_granted(user, "nominations.view_evidence", queryset).filter(
        module_id__in=modules
    )


def can_add_evidence(user: User, nomination) -> bool:
    if not nomination.is_live or is_nominee(user, nomination):
        return False
    return is_core_maintainer(user) or (
        evidence_open_to_invited(nomination)
        and _is_invited(user, "nominations.add_evidence", nomination)
    )


def evidence_open_to_invited(nomination) -> bool:
    """Invited maintainers add evidence until the vote closes: after it, their words could no
    longer inform anyone's ballot."""
    return nomination.is_live and nomination.voting_closed_at is None


def can_edit_evidence(user: User, entry) -> bool:
    return (
        user.is_authenticated
        and entry.author_id == user.pk
        and can_add_evidence(user, entry.nomination)
    )


def can_vote(user: User, nomination) -> bool:
    """Holds the frozen electorate's grant and is still a core maintainer: losing the role
    ends the right to vote on the very next request."""
    return is_core_maintainer(user) and has_object_permission(user, "nominations.vote", nomination)


def vote_right(user: User, model: type[Model]) -> Expression:
    """`can_vote` as a column of a query on `model` (the nominations), read afresh by that query:
    still a core maintainer, and holding the vote grant on the row, directly or through a group
    (as `has_object_permission` counts grants). The cast reads it in the query that locks the
    nomination, so the right costs no query of its own. Written in SQL: the ORM took longer to
    compile these three subqueries than to run the three queries they replace."""
    if not user.is_authenticated or not user.is_active:
        return Value(False)
    return vote_right_of_user_id(user.pk, model, content_type_id=get_content_type(model).pk)


def vote_right_of_user_id(user_id: int, model: type[Model], *, content_type_id: int) -> RawSQL:
    """`vote_right` for a user's id, `content_type_id` being `model`'s: the parts a query
    compiled once (governance.compiled_queries) takes as values. It answers for an active
    account only: read it through `vote_right_holds`."""
    table = connection.ops.quote_name
    user_grants = get_user_obj_perms_model(model)._meta
    group_grants = get_group_obj_perms_model(model)._meta
    memberships = get_user_model()._meta.get_field("groups").remote_field.through._meta
    row = f"{table(model._meta.db_table)}.{table(model._meta.pk.column)}"
    grant = (
        f"INNER JOIN {table(Permission._meta.db_table)} perm ON perm.id = grant_.permission_id "
        f"WHERE grant_.content_object_id = {row} "
        "AND perm.codename = %s AND perm.content_type_id = %s"
    )
    sql = (
        f"EXISTS (SELECT 1 FROM {table(Role._meta.db_table)} core_role "
        f"INNER JOIN {table(Person._meta.db_table)} person ON person.id = core_role.person_id "
        "WHERE person.user_id = %s AND core_role.status = %s "
        f"AND core_role.kind IN ({', '.join(['%s'] * len(CORE_KINDS))})) "
        f"AND (EXISTS (SELECT 1 FROM {table(user_grants.db_table)} grant_ {grant} "
        "AND grant_.user_id = %s) "
        f"OR EXISTS (SELECT 1 FROM {table(group_grants.db_table)} grant_ "
        f"INNER JOIN {table(memberships.db_table)} membership "
        f"ON membership.group_id = grant_.group_id {grant} AND membership.user_id = %s))"
    )
    vote = ("vote", content_type_id)
    return RawSQL(
        sql,
        (user_id, RoleStatus.ACTIVE, *sorted(CORE_KINDS), *vote, user_id, *vote, user_id),
        output_field=BooleanField(),
    )


def vote_right_holds(user: User, column: bool) -> bool:
    """Whether `user` may vote, given the `vote_right_of_user_id` column a query read for them."""
    return bool(user.is_authenticated and user.is_active and column)


def opened_the_vote(user: User, nomination) -> bool:
    return bool(user.is_authenticated and nomination.voting_opened_by_id == user.pk)


def can_start_vote(user: User, nomination, *, lead_confirms: bool) -> bool:
    """Any core maintainer who is not the nominee; but not the lead where the lead confirms the
    outcome, since whoever starts a vote does not decide it."""
    if not can_manage_nomination(user, nomination):
        return False
    return not (lead_confirms and is_lead_core_maintainer(user))


def can_recuse(user: User, nomination) -> bool:
    """A voter recuses themselves, and nobody else; whether voting is still open and whether
    they have voted already are read under the nomination's lock."""
    return can_vote(user, nomination)


def can_decide(user: User, nomination) -> bool:
    """Four eyes: whoever opened the vote does not also record its decision."""
    if is_nominee(user, nomination) or opened_the_vote(user, nomination):
        return False
    if nomination.policy.get("lead_confirms"):
        return is_lead_core_maintainer(user)
    return is_core_maintainer(user)


def can_see_outcome(user: User, nomination) -> bool:
    """Where a nomination stands (its status and outcome), its vote and its decision: the core
    maintainers who may act on it. Invited module maintainers read and add to the thread, and
    learn nothing of the vote or the outcome there."""
    return can_manage_nomination(user, nomination)


def nominator_knows_outcome(*, feedback_released: bool) -> bool:
    """A nominator learns a decided nomination's outcome from the feedback released to them,
    not before: the core maintainers tell the nominee and the nominators together."""
    return feedback_released


def is_secret_ballot(nomination) -> bool:
    """A nomination whose vote has not opened has no frozen policy yet; it counts as secret,
    DESIGN.md's default, so that nothing is shown before the policy says it may be."""
    return bool(nomination.policy.get("secret", True))


def can_release_announcement(user: User, nomination) -> bool:
    """Four eyes: whoever opened the vote does not also make its outcome public."""
    return can_manage_nomination(user, nomination) and not opened_the_vote(user, nomination)


OPENER_REFUSAL = (
    "You started this vote, so another core maintainer {does}: no one person decides for the "
    "core maintainers."
)


def decide_refusal(user: User, nomination) -> str:
    """Why `user` may not record the decision, or "" if they may."""
    if can_decide(user, nomination):
        return ""
    if nomination.policy.get("lead_confirms"):
        return "The lead core maintainer confirms this kind of nomination."
    if opened_the_vote(user, nomination):
        return OPENER_REFUSAL.format(does="records the decision")
    return "Only core maintainers record decisions."


def announcement_release_refusal(user: User, nomination) -> str:
    """Why `user` may not release the announcement, or "" if they may."""
    if can_release_announcement(user, nomination):
        return ""
    if opened_the_vote(user, nomination):
        return OPENER_REFUSAL.format(does="releases the announcement")
    return "Only core maintainers release announcements."


def can_see_votes(user: User, nomination, *, has_voted: bool) -> bool:
    """The tally and the ballot comments are the core maintainers'; every core maintainer sees
    them after the close. Before it, a voter of an open ballot sees the running tally once they
    have voted. A secret ballot shows no count at all until the close: a voter who polls the
    page would read each later voter's choice off the moving count. A withdrawn secret vote never
    closes, so its count stays hidden for good."""
    if not can_see_outcome(user, nomination):
        return False
    if is_secret_ballot(nomination):
        return nomination.voting_closed_at is not None
    return nomination.takes_no_more_ballots or has_voted


def can_see_turnout(user: User, nomination) -> bool:
    """How many of the electorate have voted. It moves with every cast, so for a secret ballot
    it is a count like any other: shown after the close only. Who has voted (never what) stays
    listed beside each elector, as Helios lists it."""
    if not can_see_outcome(user, nomination):
        return False
    return not is_secret_ballot(nomination) or nomination.voting_closed_at is not None


def can_see_who_voted_what(user: User, nomination) -> bool:
    return not is_secret_ballot(nomination) and is_core_maintainer(user)


def is_nominee(user: User, nomination) -> bool:
    return bool(user.is_authenticated and nomination.affected_user_id == user.pk)


def is_nominator(user: User, nomination) -> bool:
    return bool(user.is_authenticated and nomination.nominators.filter(pk=user.pk).exists())


def can_read_feedback(user: User, nomination, feedback) -> bool:
    """Released feedback, for its two readers: the nominee and the nominators."""
    if feedback is None or feedback.released_at is None:
        return False
    return is_nominee(user, nomination) or is_nominator(user, nomination)


def can_see_vote_verification(user: User, nomination, *, electorate: Collection[int]) -> bool:
    """The verification page of a vote: its frozen electorate (`electorate`, the electors' user
    ids, the recused included), who know the vote exists. Never its nominee, who may be a
    recused elector (a core maintainer moved to emeritus) but learns nothing of the vote."""
    return user.is_authenticated and user.pk in electorate and not is_nominee(user, nomination)


def can_verify_vote(user: User, nomination, *, electorate: Collection[int]) -> bool:
    """The page shows the final count, so it opens once voting has closed: a withdrawn vote
    never closes and never opens it."""
    return (
        can_see_vote_verification(user, nomination, electorate=electorate)
        and nomination.voting_closed_at is not None
    )


def can_see_receipt_owners(user: User, nomination, *, electorate: Collection[int]) -> bool:
    """Whose receipt is whose, with its choice, on the verification page: only on an open
    ballot. A secret ballot lists receipts and counts, never who chose what."""
    return not is_secret_ballot(nomination) and can_verify_vote(
        user, nomination, electorate=electorate
    )


def nominations_with_public_vote(queryset):
    """The nominations of `queryset` whose closed vote the public transparency page lists: those
    whose announcement is released. A nomination declined, withdrawn or not yet announced stays
    private, and so does its vote."""
    return queryset.filter(announcement__released_at__isnull=False, tally__isnull=False)


def proposals_with_public_vote(queryset):
    """The proposals' votes of `queryset` the public transparency page lists: those decided with
    a public outcome, the words the decider wrote for everyone. The title and text stay the core
    maintainers'; a proposal still open, withdrawn or decided without public words stays private."""
    return queryset.filter(status="decided", tally__isnull=False, proposal__isnull=False).exclude(
        proposal__public_outcome=""
    )


@dataclass(frozen=True)
class NominationActions:
    """What the nomination page offers one user: each action the policy and the nomination's
    status allow, and why a button is shown disabled. A refusal is "" where there is no disabled
    button to explain."""

    manage: bool
    manage_live: bool
    see_outcome: bool
    see_withdrawal_reason: bool
    add_evidence: bool
    evidence_closed: bool  # an invited maintainer who arrives after the close is told so
    open_for_evidence: bool
    invite: bool
    start_vote: bool
    start_vote_refusal: str
    see_vote: bool
    vote: bool
    recuse: bool
    close: bool
    see_votes: bool
    see_turnout: bool
    see_who_voted_what: bool
    decide: bool
    decide_refusal: str
    feedback_section: bool
    draft_feedback: bool
    release_feedback: bool
    release_announcement: bool
    announce_refusal: str
    withdraw: bool


def nomination_actions(
    user: User,
    nomination,
    *,
    has_voted: bool,
    feedback,
    announcement,
    start_vote_refusal: Callable[[], str],
) -> NominationActions:
    """Every action of the nomination page for `user`, status gating included.

    `feedback` and `announcement` are the nomination's (or None). Whether the vote may start
    also depends on how many electors it would have, which the nominations app counts:
    `start_vote_refusal` gives its reason, and is asked only where the page offers the vote."""
    manage = can_manage_nomination(user, nomination)
    manage_live = manage and nomination.is_live
    may_decide = nomination.awaits_decision and can_decide(user, nomination)
    feedback_section = manage and (nomination.awaits_decision or nomination.is_decided)
    draft_feedback = feedback_section and (feedback is None or feedback.released_at is None)
    announcement_pending = manage and announcement is not None and announcement.released_at is None
    announce_refusal = announcement_release_refusal(user, nomination) if manage else ""
    vote_start_refusal = start_vote_refusal() if manage and nomination.is_open_for_evidence else ""
    return NominationActions(
        manage=manage,
        manage_live=manage_live,
        see_outcome=can_see_outcome(user, nomination),
        see_withdrawal_reason=manage and nomination.is_withdrawn,
        add_evidence=can_add_evidence(user, nomination),
        evidence_closed=not manage
        and nomination.voting_closed_at is not None
        and _is_invited(user, "nominations.view_evidence", nomination),
        open_for_evidence=manage_live and nomination.is_draft,
        invite=manage_live and nomination.module_id is not None,
        start_vote=manage and nomination.is_open_for_evidence and not vote_start_refusal,
        start_vote_refusal=vote_start_refusal,
        see_vote=manage and nomination.voting_opened_at is not None,
        vote=nomination.is_voting and can_vote(user, nomination),
        recuse=nomination.is_voting and not has_voted and can_recuse(user, nomination),
        close=manage and nomination.is_voting and nomination.voting_deadline <= timezone.now(),
        see_votes=can_see_votes(user, nomination, has_voted=has_voted),
        see_turnout=can_see_turnout(user, nomination),
        see_who_voted_what=can_see_who_voted_what(user, nomination),
        decide=may_decide,
        decide_refusal=decide_refusal(user, nomination)
        if manage and nomination.awaits_decision and not may_decide
        else "",
        feedback_section=feedback_section,
        draft_feedback=draft_feedback,
        release_feedback=draft_feedback and feedback is not None and nomination.is_decided,
        release_announcement=announcement_pending and not announce_refusal,
        announce_refusal=announce_refusal,
        withdraw=manage_live and not nomination.awaits_decision,
    )


# Reaching those named, the voting rules, removals -------------------------------------------


def can_see_contact_status(user: User, nomination) -> bool:
    """Whether the nominee and nominators have an account or a verified email: the core
    maintainers who manage the nomination, so that nobody named in it is left out. A proposal
    names no nominee, and its proposer is a core maintainer, reached as any other."""
    return nomination.nominee_id is not None and can_manage_nomination(user, nomination)


def can_edit_voting_rules(actor: User | None) -> bool:
    """Change a voting rule: staff granted the change permission in the admin, or the system (the
    demo data, a management command, an accepted rule-change proposal applied by its decider)."""
    if actor is None:
        return True
    return is_operator(actor) and actor.has_perm("nominations.change_votingrule")


def can_apply_rule_change(actor: User | None, vote) -> bool:
    """Change a voting rule by a vote: whoever recorded the acceptance of a rule-change
    proposal, as part of that decision."""
    return bool(
        actor is not None
        and vote.kind == "rule_change"
        and vote.outcome == "accepted"
        and vote.decision.decided_by_id == actor.pk
    )


def can_open_removal_nominations(user: User) -> bool:
    """Turn the inactive maintainers' report into removal nominations."""
    return can_view_reports(user) and can_manage_nominations(user)
