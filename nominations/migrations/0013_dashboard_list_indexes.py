from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0014_taxonomy_revision_vote_url"),
        ("nominations", "0012_elector_awaiting_vote"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(
                condition=models.Q(("status__in", ["draft", "open"])),
                fields=["-updated_at", "-id"],
                name="nomination_gathering_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(
                condition=models.Q(("status", "closed")),
                fields=["voting_closed_at", "id"],
                name="nomination_closed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(
                condition=models.Q(("status__in", ["decided", "withdrawn"])),
                fields=["-updated_at", "-id"],
                name="nomination_ended_idx",
            ),
        ),
    ]
