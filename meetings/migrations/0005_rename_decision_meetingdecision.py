from django.db import migrations

OLD_TYPE, NEW_TYPE = "meetings.decision", "meetings.meetingdecision"


def relabel_audit_events(apps, schema_editor):
    """The audit log names a target by its model's label; earlier events keep up with the name."""
    events = apps.get_model("governance", "AuditEvent").objects
    events.filter(target_type=OLD_TYPE).update(target_type=NEW_TYPE)


def restore_audit_labels(apps, schema_editor):
    events = apps.get_model("governance", "AuditEvent").objects
    events.filter(target_type=NEW_TYPE).update(target_type=OLD_TYPE)


class Migration(migrations.Migration):
    """The model names say which app they belong to: a meeting's decision, not a nomination's."""

    dependencies = [
        ("governance", "0010_public_pages_generation_changed_at"),
        ("meetings", "0004_minutes_version_retraction"),
    ]

    operations = [
        migrations.RenameModel(old_name="Decision", new_name="MeetingDecision"),
        migrations.RunPython(relabel_audit_events, restore_audit_labels),
    ]
