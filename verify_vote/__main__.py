"""`python -m verify_vote FILE [--receipt HASH ...]`: exit 0 if the ledger holds together (and
each receipt given is counted), 1 on any mismatch, 2 if the file cannot be read."""

import argparse
import json
import sys

from verify_vote import Mismatch, verify


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m verify_vote",
        description="Recompute a vote's hash chain, final digest and tally from its exported "
        "ledger (manage.py export_vote ID).",
    )
    parser.add_argument("file", help="the JSON file export_vote wrote")
    parser.add_argument(
        "--receipt",
        action="append",
        default=[],
        help="a receipt to look for among the ballots counted (repeatable)",
    )
    arguments = parser.parse_args(argv)
    try:
        with open(arguments.file, encoding="utf-8") as file:
            document = json.load(file)
    except (OSError, ValueError) as error:
        print(f"verify_vote: cannot read {arguments.file}: {error}", file=sys.stderr)
        return 2
    try:
        verified = verify(document)
    except Mismatch as error:
        print(f"verify_vote: MISMATCH in {arguments.file}: {error}", file=sys.stderr)
        return 1
    tally = verified.tally
    result = "not rechecked (unknown method)" if tally.passed is None else tally.passed
    print(
        f"{verified.vote}: {verified.entries} ledger entries, chain intact.\n"
        f"Final digest: {verified.digest}\n"
        f"Tally: electorate {tally.electorate}, approve {tally.approve}, decline "
        f"{tally.decline}, abstain {tally.abstain}; quorum met {tally.quorum_met}; "
        f"passed {result}."
    )
    missing = [receipt for receipt in arguments.receipt if receipt not in verified.counted]
    for receipt in arguments.receipt:
        print(f"Receipt {receipt}: {'counted' if receipt not in missing else 'NOT counted'}.")
    if missing:
        print(
            f"verify_vote: MISMATCH: {len(missing)} receipt(s) not among the ballots counted "
            "(not in the ledger, or superseded by a later cast of the same voter).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
