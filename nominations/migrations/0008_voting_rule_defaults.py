"""One voting rule per kind of decision, seeded with the values the code used as constants
before rules moved to the database (nominations/voting_rules.py keeps them as defaults)."""

from django.db import migrations

DEFAULTS = {
    "module_maintainer": {},
    "module_reviewer": {},
    "core_maintainer": {"voting_days": 14, "early_close": False, "lead_confirms": True},
    "core_reviewer": {},
    "emeritus": {"secret": False},
    "removal": {"threshold": "two_thirds", "voting_days": 14, "early_close": False},
    "lead_removal": {
        "threshold": "three_quarters",
        "threshold_base": "electorate",
        "voting_days": 14,
        "early_close": False,
    },
    "emeritus_batch": {"secret": False},
    "taxonomy_revision": {"secret": False},
    "rule_change": {"threshold": "two_thirds", "secret": False},
    "motion": {"secret": False},
}


def seed(apps, schema_editor):
    VotingRule = apps.get_model("nominations", "VotingRule")
    for kind, values in DEFAULTS.items():
        VotingRule.objects.get_or_create(kind=kind, defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("nominations", "VotingRule").objects.filter(kind__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("nominations", "0007_voting_rule")]

    operations = [migrations.RunPython(seed, unseed)]
