"""Fill an empty database with the benchmark data set: a large project's roster, nominations with
evidence and ballot ledgers, meetings with published minutes, and notifications.

    python -m bench.seed --scale 1 --seed 1 [--anchor YYYY-MM-DD]

Run from the repository root with the settings manage.py would use (DJANGO_SETTINGS_MODULE,
governance.settings by default). Deterministic from --seed and --anchor; reports the time per
table.
"""

import argparse
import datetime
import os
import sys

import django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 is 300 modules and 5,000 people."
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--anchor",
        type=datetime.date.fromisoformat,
        default=None,
        help="The day the data is built around (YYYY-MM-DD); today by default, so open votes have "
        "deadlines ahead.",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    django.setup()
    # The data set imports the models, which exist only once Django is set up.
    from bench.data import SeedRefused, seed_database

    try:
        seed_database(scale=args.scale, seed=args.seed, anchor=args.anchor, out=sys.stdout)
    except SeedRefused as refusal:
        sys.exit(str(refusal))


if __name__ == "__main__":
    main()
