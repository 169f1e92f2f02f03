"""The standalone verifier, on ledgers built here with a small reference count: it accepts every
consistent ledger, agrees with the reference, catches any single change to the file, and runs as
`python -m verify_vote` with no Django to import."""

import ast
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verify_vote
from verify_vote import FORMAT, GENESIS_HASH, VERSION, Mismatch, entry_hash, verify

VOTE_ID = 7
ELECTORS = (1, 2, 3, 4, 5)
RECUSED = 6
MAJORITY = {
    "quorum": [1, 2],
    "threshold": [1, 2],
    "threshold_of_electorate": False,
    "min_voting_days": 7,
    "secret": True,
    "counts_recused": True,
}
CHOICES = ("approve", "decline", "abstain")

casts = st.lists(
    st.tuples(
        st.sampled_from(ELECTORS),
        st.sampled_from(CHOICES),
        st.text(alphabet="abc é\n", max_size=5),
    ),
    max_size=12,
)


def reference_tally(ledger: list[dict], electorate: int) -> dict:
    """The count as the rule says it, written apart from the verifier: each voter's last cast;
    quorum half the electorate; more than half of approve and decline approve."""
    last = {}
    for entry in ledger:
        last[entry["voter"]] = entry["choice"]
    counts = {choice: list(last.values()).count(choice) for choice in CHOICES}
    quorum = 2 * len(last) >= electorate
    decisive = counts["approve"] + counts["decline"]
    return {
        "electorate": electorate,
        **counts,
        "quorum_met": quorum,
        "passed": quorum and 2 * counts["approve"] > decisive,
    }


def document_of(cast_list: list[tuple[int, str, str]]) -> dict:
    """A consistent ledger file of these casts, as `manage.py export_vote` writes one."""
    ledger, previous = [], GENESIS_HASH
    for sequence, (voter, choice, comment) in enumerate(cast_list, start=1):
        entry = {
            "sequence": sequence,
            "voter": voter,
            "choice": choice,
            "comment": comment,
            "cast_at": f"2026-11-{sequence:02d}T10:00:00.123456+00:00",
            "nonce": f"{sequence:032x}",
            "previous_hash": previous,
        }
        entry["entry_hash"] = entry_hash(
            vote=VOTE_ID,
            sequence=sequence,
            voter=voter,
            choice=choice,
            comment=comment,
            cast_at=entry["cast_at"],
            previous=previous,
            nonce=entry["nonce"],
        )
        previous = entry["entry_hash"]
        ledger.append(entry)
    electors = [{"id": voter, "recused": False} for voter in ELECTORS]
    electors.append({"id": RECUSED, "recused": True})
    return {
        "format": FORMAT,
        "version": VERSION,
        "vote": {"kind": "nomination", "id": VOTE_ID, "policy": MAJORITY},
        "electors": electors,
        "ledger": ledger,
        "digest": previous,
        "tally": reference_tally(ledger, electorate=len(electors)),
    }


def rehash_from(document: dict, start: int) -> None:
    """Forge the chain from entry `start` on, as someone rewriting the ledger would."""
    previous = document["ledger"][start - 1]["entry_hash"] if start else GENESIS_HASH
    for entry in document["ledger"][start:]:
        entry["previous_hash"] = previous
        entry["entry_hash"] = entry_hash(
            vote=document["vote"]["id"],
            sequence=entry["sequence"],
            voter=entry["voter"],
            choice=entry["choice"],
            comment=entry["comment"],
            cast_at=entry["cast_at"],
            previous=previous,
            nonce=entry["nonce"],
        )
        previous = entry["entry_hash"]


@given(casts)
def test_it_accepts_every_consistent_ledger_and_counts_as_the_reference_does(cast_list):
    document = document_of(cast_list)
    verified = verify(document)
    tally = verified.tally
    assert {
        "electorate": tally.electorate,
        "approve": tally.approve,
        "decline": tally.decline,
        "abstain": tally.abstain,
        "quorum_met": tally.quorum_met,
        "passed": tally.passed,
    } == document["tally"]
    assert verified.digest == document["digest"]
    last = {entry["voter"]: entry["entry_hash"] for entry in document["ledger"]}
    assert verified.counted == frozenset(last.values())


def different(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if value in CHOICES:
        return CHOICES[(CHOICES.index(value) + 1) % len(CHOICES)]
    if len(value) == 64:  # a hash: one hex digit changed
        return ("1" if value[0] == "0" else "0") + value[1:]
    return value + "x"


ENTRY_FIELDS = (
    "sequence",
    "voter",
    "choice",
    "comment",
    "cast_at",
    "nonce",
    "previous_hash",
    "entry_hash",
)
TALLY_FIELDS = ("electorate", "approve", "decline", "abstain", "quorum_met", "passed")


@given(casts.filter(bool), st.data())
def test_it_catches_a_change_to_any_field_of_any_ledger_entry(cast_list, data):
    document = document_of(cast_list)
    entry = data.draw(st.sampled_from(document["ledger"]))
    name = data.draw(st.sampled_from(ENTRY_FIELDS))
    entry[name] = different(entry[name])
    with pytest.raises(Mismatch):
        verify(document)


@given(casts.filter(bool), st.data())
def test_it_catches_a_rewritten_chain_by_its_digest(cast_list, data):
    """Whoever changes an entry and recomputes every hash after it still cannot end at the
    digest stored at the close (and published once the result is)."""
    document = document_of(cast_list)
    position = data.draw(st.integers(0, len(cast_list) - 1))
    entry = document["ledger"][position]
    entry["choice"] = different(entry["choice"])
    rehash_from(document, position)
    with pytest.raises(Mismatch, match="digest"):
        verify(document)


@given(casts.filter(bool), st.data())
def test_it_catches_a_change_to_the_digest_the_tally_or_the_electorate(cast_list, data):
    document = document_of(cast_list)
    target = data.draw(st.sampled_from(("digest", "tally", "recusal", "dropped elector")))
    if target == "digest":
        document["digest"] = different(document["digest"])
    elif target == "tally":
        name = data.draw(st.sampled_from(TALLY_FIELDS))
        document["tally"][name] = different(document["tally"][name])
    elif target == "recusal":
        # A voter turned into a recused elector: their ballot is then a stray.
        voter = document["ledger"][0]["voter"]
        document["electors"][ELECTORS.index(voter)]["recused"] = True
    else:
        # One elector fewer: the electorate counted changes.
        document["electors"].pop()
    with pytest.raises(Mismatch):
        verify(document)


@given(casts.filter(lambda c: len(c) >= 2), st.data())
def test_it_catches_a_dropped_or_reordered_entry(cast_list, data):
    document = document_of(cast_list)
    ledger = document["ledger"]
    if data.draw(st.booleans()):
        del ledger[data.draw(st.integers(0, len(ledger) - 1))]
    else:
        ledger[0], ledger[1] = ledger[1], ledger[0]
    with pytest.raises(Mismatch):
        verify(document)


def test_it_hashes_an_entry_without_a_nonce_as_the_ledger_did_before_receipts():
    """Ledgers written before the nonce keep verifying: the hash of such an entry is the one the
    ballot model computed then, the SHA-256 of its fields as sorted, compact JSON."""
    fields = {
        "nomination": 3,
        "sequence": 2,
        "voter": 9,
        "choice": "decline",
        "comment": "Not yet.",
        "cast_at": "2025-01-02T03:04:05.678901+00:00",
        "previous": "ab" * 32,
    }
    before = hashlib.sha256(
        json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()

    assert (
        entry_hash(
            vote=3,
            sequence=2,
            voter=9,
            choice="decline",
            comment="Not yet.",
            cast_at="2025-01-02T03:04:05.678901+00:00",
            previous="ab" * 32,
        )
        == before
    )
    assert (
        entry_hash(
            vote=3,
            sequence=2,
            voter=9,
            choice="decline",
            comment="Not yet.",
            cast_at="2025-01-02T03:04:05.678901+00:00",
            previous="ab" * 32,
            nonce="00" * 16,
        )
        != before
    )


def test_it_names_the_entry_whose_content_changed():
    document = document_of([(1, "approve", ""), (2, "decline", "no")])
    document["ledger"][1]["choice"] = "approve"
    with pytest.raises(Mismatch, match="ledger entry 2: its content hashes to"):
        verify(document)


def test_it_refuses_a_file_that_is_no_ledger():
    with pytest.raises(Mismatch, match="not a maintainer-governance/vote-ledger file"):
        verify({"format": "something else"})
    document = document_of([(1, "approve", "")])
    del document["ledger"][0]["voter"]
    with pytest.raises(Mismatch, match="'voter' is missing"):
        verify(document)


def test_it_leaves_the_result_of_a_method_it_does_not_know_unchecked():
    document = document_of([(1, "approve", ""), (2, "approve", ""), (3, "approve", "")])
    document["vote"]["policy"] = {**MAJORITY, "method": "sortition"}
    document["tally"]["passed"] = False
    assert verify(document).tally.passed is None


@pytest.mark.parametrize(
    ("method", "extra", "choices", "passed"),
    [
        # Lazy consensus: passes unless the objections (declines) reach the rule's number.
        ("lazy_consensus", {"objections_to_block": 2}, ["approve", "decline", "abstain"], True),
        ("lazy_consensus", {"objections_to_block": 2}, ["decline", "decline", "approve"], False),
        # Consent: one block (a decline) stops it, however many consent.
        ("consent", {}, ["approve", "approve", "abstain"], True),
        ("consent", {}, ["approve", "approve", "decline"], False),
    ],
)
def test_it_rechecks_the_result_of_lazy_consensus_and_consent(method, extra, choices, passed):
    document = document_of(
        [(voter, choice, "") for voter, choice in zip(ELECTORS[:3], choices, strict=True)]
    )
    document["vote"]["policy"] = {**MAJORITY, "method": method, **extra}
    document["tally"]["passed"] = passed
    assert verify(document).tally.passed is passed

    document["tally"]["passed"] = not passed
    with pytest.raises(Mismatch, match="The tally states passed"):
        verify(document)


def test_it_imports_nothing_but_the_standard_library():
    imported = set()
    for path in Path(verify_vote.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
    assert imported <= {
        "argparse",
        "collections",
        "dataclasses",
        "fractions",
        "hashlib",
        "json",
        "sys",
        "verify_vote",
    }


# As a program, without Django --------------------------------------------------------------

# Put only the copied package on the path, make sure Django cannot be found, then run the
# package as `python -m verify_vote` would.
RUNNER = (
    "import importlib.util, runpy, sys\n"
    "sys.path.insert(0, sys.argv.pop(1))\n"
    "assert importlib.util.find_spec('django') is None, 'Django is importable'\n"
    "runpy.run_module('verify_vote', run_name='__main__', alter_sys=True)\n"
)


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> Path:
    """A folder holding the verify_vote package and nothing else."""
    folder = tmp_path_factory.mktemp("alone")
    shutil.copytree(
        Path(verify_vote.__file__).parent,
        folder / "verify_vote",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return folder


def run_verifier(alone: Path, *arguments: str) -> subprocess.CompletedProcess:
    # -I: no environment variables, no user site, no current directory on the path;
    # -S: no site-packages, so no Django either.
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", RUNNER, str(alone), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, document: dict) -> str:
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(document))
    return str(path)


def test_it_runs_without_django_and_passes_a_consistent_ledger(alone, tmp_path):
    document = document_of([(1, "approve", ""), (2, "decline", ""), (1, "abstain", "hm")])
    receipt = document["ledger"][2]["entry_hash"]
    result = run_verifier(alone, write(tmp_path, document), "--receipt", receipt)
    assert result.returncode == 0, result.stderr
    assert "3 ledger entries, chain intact" in result.stdout
    assert f"Final digest: {document['digest']}" in result.stdout
    assert "approve 0, decline 1, abstain 1" in result.stdout
    assert f"Receipt {receipt}: counted." in result.stdout


def test_it_exits_non_zero_with_a_clear_message_on_a_tampered_file(alone, tmp_path):
    document = document_of([(1, "approve", ""), (2, "decline", "")])
    document["ledger"][0]["choice"] = "decline"
    result = run_verifier(alone, write(tmp_path, document))
    assert result.returncode == 1
    assert "MISMATCH" in result.stderr
    assert "ledger entry 1: its content hashes to" in result.stderr


def test_it_exits_non_zero_for_a_superseded_receipt(alone, tmp_path):
    document = document_of([(1, "approve", ""), (1, "decline", "")])
    superseded = document["ledger"][0]["entry_hash"]
    result = run_verifier(alone, write(tmp_path, document), "--receipt", superseded)
    assert result.returncode == 1
    assert f"Receipt {superseded}: NOT counted." in result.stdout
    assert "superseded by a later cast" in result.stderr


def test_it_exits_with_2_on_a_file_it_cannot_read(alone, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = run_verifier(alone, str(path))
    assert result.returncode == 2
    assert "cannot read" in result.stderr
