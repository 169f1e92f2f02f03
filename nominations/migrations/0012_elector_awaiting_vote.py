from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def awaiting_from_the_ledger(apps, schema_editor):
    """Mark the electors whose vote is still awaited: in an open vote, not recused, without a
    live ballot."""
    Elector = apps.get_model("nominations", "Elector")
    Ballot = apps.get_model("nominations", "Ballot")
    live = Ballot.objects.filter(
        nomination=OuterRef("nomination"), voter=OuterRef("user"), superseded_at__isnull=True
    )
    Elector.objects.filter(nomination__status="voting", recused=False).exclude(Exists(live)).update(
        awaiting_vote=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0011_proposal_taxonomy_draft_again"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="elector",
            name="awaiting_vote",
            field=models.BooleanField(default=False),
        ),
        # Backwards, the column goes with its data: nothing to undo first.
        migrations.RunPython(awaiting_from_the_ledger, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="elector",
            index=models.Index(
                condition=models.Q(("awaiting_vote", True)),
                fields=["user", "nomination"],
                name="elector_awaiting_vote_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="elector",
            constraint=models.CheckConstraint(
                condition=models.Q(("recused", False), ("awaiting_vote", False), _connector="OR"),
                name="elector_recused_awaits_no_vote",
            ),
        ),
    ]
