"""Check a vote's ledger without trusting the site: `python -m verify_vote FILE`.

The site writes a closed vote's ledger with `manage.py export_vote ID`. This package recomputes
from that file alone the hash of every entry, the chain that links them, the final digest and
the tally, and says where the file disagrees with itself. It imports nothing but the standard
library, so that anyone can read and run it apart from the site; the site imports
`entry_hash` from here, so the site and the verifier hash every entry the same way.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

GENESIS_HASH = "0" * 64
FORMAT = "maintainer-governance/vote-ledger"
VERSION = 1
CHOICES = ("approve", "decline", "abstain")


def entry_hash(
    *,
    vote: int,
    sequence: int,
    voter: int,
    choice: str,
    comment: str,
    cast_at: str,
    previous: str,
    nonce: str = "",
) -> str:
    """The SHA-256 of one ledger entry, which is also the voter's receipt for it.

    `cast_at` is the ISO 8601 time of the cast. The nonce (random, per entry) keeps a receipt
    from being guessed back to its voter and choice by trying every second of the vote; entries
    cast before it existed have none, and hash as they always did.
    """
    fields = {
        "nomination": vote,
        "sequence": sequence,
        "voter": voter,
        "choice": choice,
        "comment": comment,
        "cast_at": cast_at,
        "previous": previous,
    }
    if nonce:
        fields["nonce"] = nonce
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


class Mismatch(Exception):
    """The file disagrees with itself, or is not a vote ledger: the message says where."""


@dataclass(frozen=True)
class Tally:
    electorate: int
    approve: int
    decline: int
    abstain: int
    quorum_met: bool
    # None where the file's rule is one this verifier does not know how to apply.
    passed: bool | None


@dataclass(frozen=True)
class Verified:
    vote: str
    entries: int
    digest: str
    tally: Tally
    # The receipt of each voter's last cast: the ballots counted.
    counted: frozenset[str]


def _field(mapping: Mapping, name: str, kind: type, where: str):
    if not isinstance(mapping, Mapping) or name not in mapping:
        raise Mismatch(f"{where}: the field {name!r} is missing.")
    value = mapping[name]
    # bool is an int in Python; a count or an id given as true/false is still malformed.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Mismatch(f"{where}: {name!r} should be {kind.__name__}, not {value!r}.")
    return value


def _fraction(policy: Mapping, name: str) -> Fraction:
    pair = policy.get(name)
    if (
        not isinstance(pair, list)
        or len(pair) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in pair)
        or pair[1] <= 0
    ):
        raise Mismatch(f"vote.policy: {name!r} should be [numerator, denominator], not {pair!r}.")
    return Fraction(*pair)


def _quorum_met(policy: Mapping, electorate: int, votes: int) -> bool:
    return electorate > 0 and votes >= electorate * _fraction(policy, "quorum")


def _threshold_met(policy: Mapping, electorate: int, approve: int, decline: int) -> bool:
    threshold = _fraction(policy, "threshold")
    if policy.get("threshold_of_electorate", False):
        return electorate > 0 and approve >= electorate * threshold
    decisive = approve + decline
    if decisive == 0:
        return False
    if threshold == Fraction(1, 2):
        return approve * 2 > decisive
    return approve >= decisive * threshold


def _passes(policy: Mapping, electorate: int, approve: int, decline: int) -> bool | None:
    """Whether a vote that met its quorum passed, under its method: an approval vote by its
    threshold; lazy consensus unless its number of objections (declines) is reached; consent
    unless anyone blocks (declines). None for a method this verifier does not know."""
    method = policy.get("method", "approval")
    if method == "approval":
        return _threshold_met(policy, electorate, approve, decline)
    if method == "lazy_consensus":
        objections = _field(policy, "objections_to_block", int, "vote.policy")
        return decline < objections
    if method == "consent":
        return decline == 0
    return None


def _chain(vote: int, ledger: list) -> tuple[str, dict[int, tuple[str, str]]]:
    """Check every entry's hash and link; return the digest and each voter's last cast."""
    previous = GENESIS_HASH
    last: dict[int, tuple[str, str]] = {}
    for position, entry in enumerate(ledger, start=1):
        where = f"ledger entry {position}"
        sequence = _field(entry, "sequence", int, where)
        if sequence != position:
            raise Mismatch(f"{where}: its sequence is {sequence}, not {position}.")
        stated_previous = _field(entry, "previous_hash", str, where)
        if stated_previous != previous:
            raise Mismatch(
                f"{where}: it links to {stated_previous}, but the entry before it hashes to "
                f"{previous}: the chain is broken."
            )
        choice = _field(entry, "choice", str, where)
        if choice not in CHOICES:
            raise Mismatch(f"{where}: {choice!r} is not one of {', '.join(CHOICES)}.")
        voter = _field(entry, "voter", int, where)
        nonce = entry.get("nonce", "")
        if not isinstance(nonce, str):
            raise Mismatch(f"{where}: 'nonce' should be str, not {nonce!r}.")
        recomputed = entry_hash(
            vote=vote,
            sequence=sequence,
            voter=voter,
            choice=choice,
            comment=_field(entry, "comment", str, where),
            cast_at=_field(entry, "cast_at", str, where),
            previous=previous,
            nonce=nonce,
        )
        stated = _field(entry, "entry_hash", str, where)
        if recomputed != stated:
            raise Mismatch(
                f"{where}: its content hashes to {recomputed}, not the {stated} it states: "
                "the entry was changed after it was cast."
            )
        last[voter] = (choice, stated)
        previous = stated
    return previous, last


def verify(document: object) -> Verified:
    """Recompute the chain, the digest and the tally of an exported ledger; raise Mismatch at
    the first disagreement."""
    if not isinstance(document, Mapping):
        raise Mismatch("The file is not a JSON object.")
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise Mismatch(f"The file is not a {FORMAT} file of version {VERSION}.")
    vote = _field(document, "vote", Mapping, "the file")
    vote_id = _field(vote, "id", int, "vote")
    policy = _field(vote, "policy", Mapping, "vote")
    electors = _field(document, "electors", list, "the file")
    ledger = _field(document, "ledger", list, "the file")
    digest = _field(document, "digest", str, "the file")
    stated = _field(document, "tally", Mapping, "the file")

    recomputed_digest, last = _chain(vote_id, ledger)
    if digest != recomputed_digest:
        raise Mismatch(
            f"The digest is {digest}, but the ledger ends at {recomputed_digest}: the ledger "
            "or its digest was changed."
        )

    recused = {}
    for position, elector in enumerate(electors, start=1):
        where = f"elector {position}"
        recused[_field(elector, "id", int, where)] = _field(elector, "recused", bool, where)
    if len(recused) != len(electors):
        raise Mismatch("The electorate lists someone twice.")
    strays = sorted(voter for voter in last if recused.get(voter, True))
    if strays:
        raise Mismatch(
            f"The ledger counts casts by voters {strays}, who are not in the electorate or "
            "were recused."
        )

    if policy.get("counts_recused", False):
        electorate = len(recused)
    else:
        electorate = sum(1 for is_recused in recused.values() if not is_recused)
    choices = [choice for choice, _ in last.values()]
    approve, decline, abstain = (choices.count(choice) for choice in CHOICES)
    quorum = _quorum_met(policy, electorate, len(choices))
    passed = quorum and _passes(policy, electorate, approve, decline)
    tally = Tally(electorate, approve, decline, abstain, quorum, passed)
    for name in ("electorate", *CHOICES):
        value = _field(stated, name, int, "tally")
        if value != getattr(tally, name):
            raise Mismatch(
                f"The tally states {name} {value}, but the ledger counts {getattr(tally, name)}."
            )
    for name in ("quorum_met", "passed"):
        value = _field(stated, name, bool, "tally")
        if getattr(tally, name) is not None and value != getattr(tally, name):
            raise Mismatch(
                f"The tally states {name} {value}, but the ledger gives {getattr(tally, name)}."
            )
    kind = vote.get("kind", "vote")
    return Verified(
        vote=f"{kind} #{vote_id}",
        entries=len(ledger),
        digest=recomputed_digest,
        tally=tally,
        counted=frozenset(receipt for _, receipt in last.values()),
    )
