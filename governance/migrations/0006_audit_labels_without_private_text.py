"""Rewrite every audit label as "<kind> #<id>", and drop the typed reason of ended roles from the
log's data: both were copied from private text (agenda item titles with their redacted spans,
decisions, action items, nominees' names, emeritus reasons), and operators read the log.

The kinds are written out here rather than read from the models, so that this migration keeps
meaning what it means whatever the models become. Reversing it restores nothing: the old labels
were the leak."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat

KINDS = {
    "auth.user": "user",
    "governance.exportsettings": "export settings",
    "governance.mergerule": "merge rule",
    "governance.module": "module",
    "governance.person": "person",
    "governance.personactivity": "person activity",
    "governance.role": "role",
    "governance.taxonomyproposal": "taxonomy proposal",
    "governance.taxonomyrevision": "taxonomy revision",
    "meetings.actionitem": "action item",
    "meetings.agendaitem": "agenda item",
    "meetings.decision": "decision",
    "meetings.meeting": "meeting",
    "nominations.nomination": "nomination",
    "nominations.nominationrequest": "nomination request",
}
ROLE_ENDED_VERBS = ("role.emeritus", "role.moved")


def relabel(apps, schema_editor):
    events = apps.get_model("governance", "AuditEvent").objects
    for target_type in events.values_list("target_type", flat=True).distinct():
        kind = KINDS.get(target_type, target_type.rpartition(".")[2])
        events.filter(target_type=target_type).update(
            target_label=Concat(Value(f"{kind} #"), F("target_id"))
        )
    for event in events.filter(verb__in=ROLE_ENDED_VERBS).only("pk", "data").iterator():
        if isinstance(event.data, dict) and "reason" in event.data:
            data = {key: value for key, value in event.data.items() if key != "reason"}
            events.filter(pk=event.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_imported_file_layout"),
    ]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
