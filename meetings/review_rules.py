"""The review policy of minutes, stated once: the pages say what these objects do.

By default the minutes publish when more than half of the active core maintainers approve, or
when the review window ends with no open objection from a core maintainer.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from meetings.models import Verdict

REVIEW_WINDOW = datetime.timedelta(days=7)
MIN_WINDOW_DAYS = 1
MAX_WINDOW_DAYS = 30


@dataclass(frozen=True)
class ReviewState:
    electorate: int
    approvals: int
    objections: int
    closes_at: datetime.datetime
    now: datetime.datetime

    @property
    def approvals_needed(self) -> int:
        return self.electorate // 2 + 1

    @property
    def majority_approves(self) -> bool:
        return self.electorate > 0 and self.approvals >= self.approvals_needed

    @property
    def window_ended(self) -> bool:
        return self.now >= self.closes_at

    @property
    def window_passes(self) -> bool:
        return self.window_ended and self.objections == 0

    @property
    def may_publish(self) -> bool:
        return self.majority_approves or self.window_passes

    def explanation(self) -> str:
        return (
            f"Publishing needs approval by a majority of the core maintainers "
            f"({self.approvals_needed} of {self.electorate}; {self.approvals} so far), or the end "
            f"of the review window ({self.closes_at:%Y-%m-%d %H:%M} UTC) with no open objection "
            f"({self.objections} open)."
        )


def review_state(
    *, reviews: Iterable, core_user_ids: set[int], closes_at: datetime.datetime, now
) -> ReviewState:
    """Only the verdicts of people who are core maintainers now count, either way."""
    verdicts = [review.verdict for review in reviews if review.reviewer_id in core_user_ids]
    return ReviewState(
        electorate=len(core_user_ids),
        approvals=verdicts.count(Verdict.APPROVE),
        objections=verdicts.count(Verdict.OBJECT),
        closes_at=closes_at,
        now=now,
    )
