import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def opener_from_the_audit_log(apps, schema_editor):
    """Votes opened before the field existed: their opener is the actor of the audit event."""
    Nomination = apps.get_model("nominations", "Nomination")
    AuditEvent = apps.get_model("governance", "AuditEvent")
    openers = AuditEvent.objects.filter(
        verb="nomination.voting_opened",
        target_type="nominations.nomination",
        actor__isnull=False,
    ).order_by("created_at", "pk")
    opened_by = {int(event.target_id): event.actor_id for event in openers.iterator()}
    for nomination in Nomination.objects.filter(
        voting_opened_at__isnull=False, pk__in=list(opened_by)
    ).iterator():
        nomination.voting_opened_by_id = opened_by[nomination.pk]
        nomination.save(update_fields=["voting_opened_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("nominations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="voting_opened_by",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "Who started the vote: they do not also decide it or release its announcement."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(opener_from_the_audit_log, migrations.RunPython.noop),
    ]
