"""What the nomination pages tell people in words: where a nomination ended and what comes
next, on the feedback page; and what each irreversible step does and who learns of it, said on a
page of its own before the step is taken (/nominations/<pk>/confirm/<step>/); its button posts to the
step's own address. It works without script, which the strict CSP would refuse inline."""

from dataclasses import dataclass

from nominations.models import Nomination, NominationStatus, Outcome


@dataclass(frozen=True)
class Confirmation:
    title: str
    happens: tuple[str, ...]
    audience: tuple[str, ...]
    button: str
    url_name: str  # where the step's button posts
    allowed: str  # the `NominationActions` flag that says whether the user may take the step
    refusal: str = ""  # the flag with the reason the step cannot be taken now, if there is one
    form_name: str | None = None  # the page's form that goes with the step, if it has one
    danger: bool = False


CONFIRMATIONS = {
    "voting_open": Confirmation(
        title="Start the vote",
        happens=(
            "The electorate is frozen now: every active core maintainer, with the nominee "
            "recused. Nobody can be added to it later.",
            "The vote runs until the deadline you set. It closes early only once every voter "
            "has voted.",
            "A vote cannot be cancelled; only withdrawing the nomination voids it.",
        ),
        audience=(
            "Every core maintainer is told in their inbox and by email that voting is open.",
            "The nominee, the nominators and the public are not told.",
        ),
        button="Start the vote now",
        url_name="nominations:voting_open",
        allowed="start_vote",
        refusal="start_vote_refusal",
        form_name="voting",
    ),
    "feedback_release": Confirmation(
        title="Release the feedback",
        happens=(
            "The feedback is fixed as it is now: it cannot be edited after the release.",
            "The nominee reads the text written for the nominee; the nominators read the text "
            "written for them. Neither reads the other's.",
        ),
        audience=(
            "The nominee and each nominator are told in their inbox and by email; the email "
            "says only that feedback is ready, never its text.",
            "The public sees nothing.",
        ),
        button="Release the feedback now",
        url_name="nominations:feedback_release",
        allowed="release_feedback",
        form_name="feedback_release",
    ),
    "announcement_release": Confirmation(
        title="Release the announcement and update the roster",
        happens=(
            "The announcement is published on the announcements page and in the feed.",
            "The roster changes at once, and with it the repository files written from it.",
            "A released announcement cannot be taken back; a later change needs a new nomination.",
        ),
        audience=(
            "Everyone, the public included.",
            "The core maintainers, the nominators and the nominee are told in their inbox.",
        ),
        button="Release and update the roster now",
        url_name="nominations:announce",
        allowed="release_announcement",
        refusal="announce_refusal",
    ),
    "withdraw": Confirmation(
        title="Withdraw the nomination",
        happens=(
            "The nomination stops for good: evidence closes, and any vote in progress is void.",
            "The reason you give is kept with the nomination.",
        ),
        audience=(
            "The core maintainers are told in their inbox, and read the reason.",
            "The nominee and the public are not told, and never read the reason.",
        ),
        button="Withdraw the nomination now",
        url_name="nominations:withdraw",
        allowed="withdraw",
        form_name="withdraw",
        danger=True,
    ),
}


def outcome_in_words(nomination: Nomination) -> str:
    if nomination.status == NominationStatus.WITHDRAWN:
        return "Withdrawn"
    return nomination.get_outcome_display() if nomination.outcome else "Decided"


def next_steps(nomination: Nomination, *, is_nominee: bool) -> str:
    if nomination.outcome == Outcome.ACCEPTED:
        return (
            "The core maintainers announce the change on the announcements page; from then "
            "the roster shows the role."
        )
    who = "You" if is_nominee else "You, or any maintainer,"
    return (
        f"{who} may nominate again at any time, by a request or through a maintainer. The "
        "feedback above says what would make the next case stronger."
    )


def after_ballot(nomination: Nomination) -> str:
    """The message after a ballot; the last ballot of an early-closing vote closes it."""
    if nomination.status != NominationStatus.VOTING:
        reached = "passed" if nomination.tally.passed else "did not pass"
        return (
            "Your vote is recorded, and it was the last one: the vote has closed and "
            f"{reached}. The final tally is below."
        )
    return "Your vote is recorded. You may change it until the close."


def outcome_the_vote_reached(tally) -> str:
    """The decision the vote leads to, to pre-select on the decision form ("" before a close)."""
    if tally is None:
        return ""
    return Outcome.ACCEPTED if tally.passed else Outcome.DECLINED


def decision_help(tally, *, lead_confirms: bool) -> str:
    """When the decision may differ from what the vote reached (the frozen policy says)."""
    if tally is None:
        return ""
    if not tally.passed:
        return (
            "The vote did not pass, so the decision is declined: a nomination whose vote did "
            "not pass cannot be accepted."
        )
    if lead_confirms:
        return (
            "The vote passed. The lead core maintainer confirms it (accepted) or, giving "
            "reasons, declines it."
        )
    return "The vote passed, so the decision is accepted: the decision follows the vote."
