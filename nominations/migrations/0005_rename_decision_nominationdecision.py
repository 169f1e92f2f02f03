from django.db import migrations

OLD_TYPE, NEW_TYPE = "nominations.decision", "nominations.nominationdecision"


def relabel_audit_events(apps, schema_editor):
    """The audit log names a target by its model's label; earlier events keep up with the name."""
    events = apps.get_model("governance", "AuditEvent").objects
    events.filter(target_type=OLD_TYPE).update(target_type=NEW_TYPE)


def restore_audit_labels(apps, schema_editor):
    events = apps.get_model("governance", "AuditEvent").objects
    events.filter(target_type=NEW_TYPE).update(target_type=OLD_TYPE)


class Migration(migrations.Migration):
    """The model names say which app they belong to: a nomination's decision, not a meeting's."""

    dependencies = [
        ("governance", "0010_public_pages_generation_changed_at"),
        ("nominations", "0004_ballot_receipt_nonce"),
    ]

    operations = [
        migrations.RenameModel(old_name="Decision", new_name="NominationDecision"),
        migrations.RunPython(relabel_audit_events, restore_audit_labels),
    ]
