"""GitHub, through PyGithub: one pull request that brings the repository's maintainer files in
line with the roster, and the latest activity of people in a repository.

PyGithub (rather than githubkit) because its `GithubRetry` already does what a well-behaved
client must: it retries 5xx and dropped connections with exponential backoff, waits out a
primary rate limit until `X-RateLimit-Reset`, a secondary one for `Retry-After`, and refuses to
wait longer than we allow (`RateLimitExceededExceedsMaxWait`), so a task gives its worker back
instead of sleeping for an hour. It is synchronous like our Celery tasks, depends only on
requests/urllib3 (no pydantic model layer of thousands of generated classes), and signs in as
a GitHub App installation or with a token.

Nothing here reads Django settings or logs a credential; callers pass a `Config`. Every error
leaves as a `GitHubError` whose message is safe to show to core maintainers.
"""

import base64
import datetime
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from github import Auth, Github, GithubException, GithubRetry, InputGitTreeElement
from github.GithubException import RateLimitExceededExceedsMaxWait, UnknownObjectException
from requests.exceptions import RequestException
from urllib3.exceptions import HTTPError

FILE_MODE = "100644"


@dataclass(frozen=True)
class Config:
    """Where GitHub is and how to sign in: a token, or a GitHub App installation (preferred for
    an organisation: short-lived tokens scoped to the installed repositories)."""

    api_url: str = "https://api.github.com"
    token: str = field(default="", repr=False)
    app_id: str = ""
    app_private_key: str = field(default="", repr=False)
    app_installation_id: int = 0
    timeout: float = 10.0
    retries: int = 3
    backoff_factor: float = 1.0
    max_rate_limit_wait: float = 60.0
    # PyGithub spaces writes out to stay under the secondary limit on content creation.
    seconds_between_writes: float = 1.0


class GitHubError(Exception):
    """A call that failed. `retry_after` is how many seconds to wait before trying again, or
    None when trying again cannot help until someone changes the configuration."""

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# Errors that another attempt will not fix: a refused credential, a missing repository or
# branch, a request GitHub will not accept.
PERMANENT_STATUSES = {400, 401, 403, 404, 409, 410, 422}
TRANSIENT_RETRY_AFTER = 60.0


def _github_error(error: Exception) -> GitHubError:
    if isinstance(error, RateLimitExceededExceedsMaxWait):
        return GitHubError(
            f"GitHub's rate limit allows the next call in {error.wait:.0f} s.",
            retry_after=error.wait,
        )
    if isinstance(error, GithubException):
        message = error.data.get("message", "") if isinstance(error.data, dict) else ""
        text = f"GitHub answered {error.status}" + (f": {message}" if message else "")
        if error.status == 401:
            return GitHubError(f"{text}. Check the token or the GitHub App.", retry_after=None)
        if error.status in PERMANENT_STATUSES:
            return GitHubError(f"{text}.", retry_after=None)
        return GitHubError(f"{text}.", retry_after=TRANSIENT_RETRY_AFTER)
    return GitHubError(
        f"GitHub could not be reached ({type(error).__name__}).", retry_after=TRANSIENT_RETRY_AFTER
    )


class BoundedRetry(GithubRetry):
    """GithubRetry bounds the wait for a rate limit's reset, but sleeps whatever `Retry-After`
    says (urllib3 honours it as it stands): refuse a wait past the bound there too, so that a
    worker is never put to sleep for an hour."""

    def increment(self, method=None, url=None, response=None, error=None, *args, **kwargs):
        wait = _retry_after_seconds(response)
        bound = self.max_rate_limit_wait
        if wait is not None and bound is not None and wait > bound:
            raise RateLimitExceededExceedsMaxWait(
                response.status, {"message": "Retry-After"}, dict(response.headers), wait=wait
            )
        return super().increment(method, url, response, error, *args, **kwargs)


def _retry_after_seconds(response) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: urllib3 honours it, and GitHub sends seconds


def client(config: Config) -> Github:
    if config.token:
        auth = Auth.Token(config.token)
    else:
        auth = Auth.AppAuth(config.app_id, config.app_private_key).get_installation_auth(
            config.app_installation_id
        )
    retry = BoundedRetry(
        total=config.retries,
        backoff_factor=config.backoff_factor,
        max_rate_limit_wait=config.max_rate_limit_wait,
        secondary_rate_wait=min(60.0, config.max_rate_limit_wait),
        status_forcelist=[429, *range(500, 600)],
    )
    return Github(
        auth=auth,
        base_url=config.api_url,
        timeout=config.timeout,
        retry=retry,
        seconds_between_requests=0,
        seconds_between_writes=config.seconds_between_writes,
        lazy=True,
    )


@contextmanager
def calls() -> Iterator[None]:
    """Turn whatever PyGithub, requests or urllib3 raise into a GitHubError."""
    try:
        yield
    except (GithubException, RequestException, HTTPError, TimeoutError) as error:
        raise _github_error(error) from None


# One pull request for the maintainer files -----------------------------------------------------


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    created: bool


@dataclass(frozen=True)
class StaleFiles:
    """Files this application wrote and may remove when it no longer writes them: paths that
    match `paths` and whose text carries `marker`, so a file someone wrote by hand at such a
    path is left alone."""

    paths: re.Pattern
    marker: str


def pull_request_sync(
    config: Config,
    *,
    repository: str,
    base: str,
    head: str,
    files: Mapping[str, str],
    title: str,
    body_for: Callable[[int | None], str],
    stale: StaleFiles | None = None,
) -> PullRequest | None:
    """Make the branch `head` hold `files` on top of `base` in one commit, and have one open
    pull request from it; None (nothing written, and an open one closed) when `base` already
    holds them.
    `body_for(number)` writes the pull request's text, given the open one's number (None when
    there is none yet). Files of `base` that `stale` describes and `files` no longer has are
    removed in the same commit.

    Safe to repeat, and after a crash at any point: the open pull request is found by its head
    branch before one is created, and a create that GitHub refuses because one already exists
    is answered by finding it again. The git data API makes one commit for all the files.
    """
    with calls():
        gh = client(config)
        repo = gh.get_repo(repository)
        base_sha = repo.get_git_ref(f"heads/{base}").object.sha
        base_commit = repo.get_git_commit(base_sha)
        elements = [
            InputGitTreeElement(path, FILE_MODE, "blob", content=text)
            for path, text in sorted(files.items())
        ]
        if stale is not None:
            elements += [
                InputGitTreeElement(path, FILE_MODE, "blob", sha=None)
                for path in _stale_paths(repo, base_commit.tree.sha, files, stale)
            ]
        tree = repo.create_git_tree(elements, base_tree=base_commit.tree)
        owner = repository.split("/", 1)[0]
        open_pull = next(
            iter(repo.get_pulls(state="open", head=f"{owner}:{head}", base=base)), None
        )
        if tree.sha == base_commit.tree.sha:
            if open_pull is not None:
                # Its changes reached the base some other way; it would now change nothing.
                open_pull.edit(state="closed")
            return None
        head_ref = _ref_or_none(repo, f"heads/{head}")
        head_commit = repo.get_git_commit(head_ref.object.sha) if head_ref else None
        up_to_date = (
            head_commit is not None
            and head_commit.tree.sha == tree.sha
            and [parent.sha for parent in head_commit.parents] == [base_sha]
        )
        if not up_to_date:
            commit = repo.create_git_commit(title, tree, [base_commit])
            if head_ref is None:
                repo.create_git_ref(f"refs/heads/{head}", commit.sha)
            else:
                head_ref.edit(commit.sha, force=True)
        if open_pull is None:
            try:
                open_pull = repo.create_pull(base=base, head=head, title=title, body=body_for(None))
                return PullRequest(number=open_pull.number, url=open_pull.html_url, created=True)
            except GithubException as error:
                if error.status != 422:
                    raise
                # A create that reached GitHub before its answer was lost.
                open_pull = next(
                    iter(repo.get_pulls(state="open", head=f"{owner}:{head}", base=base)), None
                )
                if open_pull is None:
                    raise
        body = body_for(open_pull.number)
        if (open_pull.title, open_pull.body or "") != (title, body):
            open_pull.edit(title=title, body=body)
        return PullRequest(number=open_pull.number, url=open_pull.html_url, created=False)


def _stale_paths(repo, tree_sha: str, files: Mapping[str, str], stale: StaleFiles) -> list[str]:
    tree = repo.get_git_tree(tree_sha, recursive=True)
    if tree.truncated:
        # Too large a repository to list in one answer: keep every file rather than guess.
        return []
    candidates = [
        element
        for element in tree.tree
        if element.type == "blob"
        and element.path not in files
        and stale.paths.fullmatch(element.path)
    ]
    return sorted(
        element.path
        for element in candidates
        if stale.marker in base64.b64decode(repo.get_git_blob(element.sha).content).decode()
    )


def _ref_or_none(repo, name: str):
    ref = repo.get_git_ref(name)
    try:
        ref.object  # noqa: B018 (a lazy ref is read here, so a missing one raises here)
    except UnknownObjectException:
        return None
    return ref


# Activity --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One thing someone did in a repository, at a time."""

    login: str
    user_id: int | None
    kind: str  # "commit", "review" or "triage"
    at: datetime.datetime


STREAMS = ("commits", "reviews", "triage")


def contributions(
    config: Config,
    *,
    repository: str,
    stream: str,
    since: datetime.datetime | None,
    until: datetime.datetime,
) -> Iterator[Contribution]:
    """What people did in `repository` in [since, until): commits authored, pull request
    reviews, or triage (issue and pull request comments, labels, assignments, closes).

    Each stream is read newest first where GitHub allows it, and stops at `since`, so a run
    reads only what is new. Errors leave as GitHubError; the caller keeps its cursor then.
    """
    with calls():
        gh = client(config)
        repo = gh.get_repo(repository)
        if stream == "commits":
            yield from _commits(repo, since, until)
        elif stream == "reviews":
            yield from _reviews(repo, since, until)
        elif stream == "triage":
            yield from _triage(repo, since, until)
        else:
            raise ValueError(f"Unknown activity stream {stream!r}.")


def _within(at: datetime.datetime, since, until) -> bool:
    return (since is None or at >= since) and at < until


def _commits(repo, since, until) -> Iterator[Contribution]:
    # GitHub's `until` is inclusive; the window's end is not, so the filter below decides.
    options = {"until": until} if since is None else {"since": since, "until": until}
    for commit in repo.get_commits(**options):
        author = commit.author
        at = commit.commit.author.date
        if author is not None and author.login and _within(at, since, until):
            yield Contribution(author.login, author.id, "commit", at)


def _reviews(repo, since, until) -> Iterator[Contribution]:
    # No endpoint lists a repository's reviews: walk the pull requests updated in the window
    # (a new review updates its pull request), newest first, and read their reviews.
    for pull in repo.get_pulls(state="all", sort="updated", direction="desc"):
        if since is not None and pull.updated_at < since:
            return
        for review in pull.get_reviews():
            if review.user is None or review.submitted_at is None:
                continue
            if _within(review.submitted_at, since, until):
                yield Contribution(review.user.login, review.user.id, "review", review.submitted_at)


TRIAGE_EVENTS = {
    "labeled",
    "unlabeled",
    "assigned",
    "closed",
    "reopened",
    "milestoned",
    "marked_as_duplicate",
}


def _triage(repo, since, until) -> Iterator[Contribution]:
    options = {"since": since} if since is not None else {}
    for comment in repo.get_issues_comments(sort="updated", direction="asc", **options):
        if comment.user is not None and _within(comment.created_at, since, until):
            yield Contribution(comment.user.login, comment.user.id, "triage", comment.created_at)
    # Issue events come newest first and take no `since`: stop at the first older one.
    for event in repo.get_issues_events():
        if since is not None and event.created_at < since:
            return
        if (
            event.event in TRIAGE_EVENTS
            and event.actor is not None
            and _within(event.created_at, since, until)
        ):
            yield Contribution(event.actor.login, event.actor.id, "triage", event.created_at)
