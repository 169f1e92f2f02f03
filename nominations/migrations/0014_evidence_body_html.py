from django.db import migrations, models

from governance.markdown import render_markdown

BATCH = 1_000


def render_every_body(apps, schema_editor):
    """Each entry's HTML, as the services now write it with the body."""
    EvidenceEntry = apps.get_model("nominations", "EvidenceEntry")
    entries = EvidenceEntry.objects.only("pk", "body").order_by("pk")
    batch = []
    for entry in entries.iterator(chunk_size=BATCH):
        entry.body_html = render_markdown(entry.body)
        batch.append(entry)
        if len(batch) == BATCH:
            EvidenceEntry.objects.bulk_update(batch, ["body_html"])
            batch = []
    EvidenceEntry.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0013_dashboard_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidenceentry",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(render_every_body, migrations.RunPython.noop),
    ]
