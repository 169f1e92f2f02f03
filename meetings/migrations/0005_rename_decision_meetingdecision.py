from django.db import migrations

OLD_TYPE, NEW_TYPE = "meetings.decision", "meetings.meetingdecision"


def relabel_audit_events(apps, schema_editor):
    """The audit log names a target by its model's label; earlier events keep up with the name."""
    events = apps.get_model("governance", "AuditEvent").objects
    events.filter(target_type=OLD_TYPE).update(target_type=NEW_TYPE)


def rename_search_index(apps, schema_editor):
    """The full-text index (0002, PostgreSQL only) is named after the table; it follows it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS meetings_decision_search_idx "
            "RENAME TO meetings_meetingdecision_search_idx"
        )


def restore_search_index_name(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS meetings_meetingdecision_search_idx "
            "RENAME TO meetings_decision_search_idx"
        )


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
        migrations.RunPython(rename_search_index, restore_search_index_name),
    ]
