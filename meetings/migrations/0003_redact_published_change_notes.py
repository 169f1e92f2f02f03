"""Change notes published before they were redacted: redact them now, as publishing does.

A published version is immutable to the application; this is the one rewrite, of a note that
should never have been public. A note whose markup cannot be read is withheld whole. The
writer's text stays in the review round. Going back leaves the redacted notes as they are.
"""

from django.db import migrations

from meetings.redaction import RedactionError, merge_logs, redact


def redact_change_notes(apps, schema_editor) -> None:
    MinutesVersion = apps.get_model("meetings", "MinutesVersion")
    for version in MinutesVersion.objects.exclude(change_note=""):
        try:
            note = redact(version.change_note)
        except RedactionError:
            MinutesVersion.objects.filter(pk=version.pk).update(change_note="")
            continue
        MinutesVersion.objects.filter(pk=version.pk).update(
            change_note=note.text.strip(),
            redaction_log=merge_logs(version.redaction_log, note.log),
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_search_documents")]

    operations = [migrations.RunPython(redact_change_notes, migrations.RunPython.noop)]
