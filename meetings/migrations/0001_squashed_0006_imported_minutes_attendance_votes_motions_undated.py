"""meetings 0001-0006 in one step, for a new database: the models as they stand, and on
PostgreSQL the stored full-text documents of 0002 under the tables' present names (0005 renamed
one). 0003 and 0005 otherwise only rewrote rows that a new database does not have. A database that
has applied the six keeps them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# As 0002_search_documents stored them, under the names the tables have since 0005.
SEARCH_DOCUMENTS = {
    "meetings_minutesversion": "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(markdown, '')), 'B')",
    "meetings_agendaitem": "to_tsvector('english'::regconfig, coalesce(title, '') || ' '"
    " || coalesce(notes, '') || ' ' || coalesce(public_summary, ''))",
    "meetings_meetingdecision": "to_tsvector('english'::regconfig, coalesce(text, ''))",
    "meetings_actionitem": "to_tsvector('english'::regconfig, coalesce(text, ''))",
}


def add_search_documents(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in SEARCH_DOCUMENTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector"
            f" GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_idx ON {table} USING gin (search_document)"
        )


def drop_search_documents(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCH_DOCUMENTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")


class Migration(migrations.Migration):
    replaces = [
        ("meetings", "0001_initial"),
        ("meetings", "0002_search_documents"),
        ("meetings", "0003_redact_published_change_notes"),
        ("meetings", "0004_minutes_version_retraction"),
        ("meetings", "0005_rename_decision_meetingdecision"),
        ("meetings", "0006_imported_minutes_attendance_votes_motions_undated"),
    ]

    dependencies = [
        ("governance", "0014_taxonomy_revision_vote_url"),
        ("nominations", "0014_evidence_body_html"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Meeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=100, unique=True)),
                ("starts_at", models.DateTimeField(blank=True, null=True)),
                ("duration_minutes", models.PositiveSmallIntegerField(default=60)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("quarterly", "Quarterly core maintainers meeting"),
                            ("other", "Other meeting"),
                        ],
                        default="quarterly",
                        max_length=20,
                    ),
                ),
                ("announcement_url", models.URLField(blank=True, max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "attendees",
                    models.ManyToManyField(
                        blank=True, related_name="meetings_attended", to="governance.person"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": [
                    models.OrderBy(models.F("starts_at"), descending=True, nulls_first=True),
                    "-pk",
                ],
                "indexes": [models.Index(fields=["starts_at"], name="meeting_starts_at_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("title", ""), _negated=True),
                        name="meeting_title_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["quarterly", "other"])),
                        name="meeting_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["draft", "in_review", "published"])),
                        name="meeting_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("duration_minutes__gte", 1), ("duration_minutes__lte", 1440)
                        ),
                        name="meeting_duration_within_a_day",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "slug__in",
                                [
                                    "action-items",
                                    "calendar",
                                    "export",
                                    "feed",
                                    "import",
                                    "manage",
                                    "new",
                                    "search",
                                ],
                            ),
                            _negated=True,
                        ),
                        name="meeting_slug_not_reserved",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("present", models.JSONField(blank=True, default=list)),
                ("absent", models.JSONField(blank=True, default=list)),
                ("guests", models.JSONField(blank=True, default=list)),
                ("chair", models.CharField(blank=True, max_length=200)),
                ("note_taker", models.CharField(blank=True, max_length=200)),
                (
                    "quorum",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("reached", "Reached"),
                            ("not reached", "Not reached"),
                        ],
                        max_length=20,
                    ),
                ),
                ("public", models.BooleanField(default=False)),
                (
                    "meeting",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance",
                        to="meetings.meeting",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quorum__in", ["", "reached", "not reached"])),
                        name="attendance_quorum_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AgendaItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveIntegerField()),
                ("title", models.CharField(max_length=300)),
                ("added_day_of_meeting", models.BooleanField(default=False)),
                (
                    "is_vote",
                    models.BooleanField(
                        default=False, help_text="The item is a vote (“Vote on …”)."
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True, help_text="Markdown with redaction markup.", max_length=50000
                    ),
                ),
                (
                    "visibility",
                    models.CharField(
                        choices=[
                            (
                                "public",
                                "Public: title, notes, decisions and action items, redacted",
                            ),
                            (
                                "summary",
                                "Summary only: the public reads the title and the public summary",
                            ),
                            ("private", "Private: the public reads that an item was withheld"),
                        ],
                        default="public",
                        max_length=20,
                    ),
                ),
                ("public_summary", models.TextField(blank=True, max_length=5000)),
                (
                    "nominations",
                    models.ManyToManyField(
                        blank=True, related_name="agenda_items", to="nominations.nomination"
                    ),
                ),
                (
                    "presenters",
                    models.ManyToManyField(
                        blank=True, related_name="agenda_items_presented", to="governance.person"
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agenda_items",
                        to="meetings.meeting",
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "order", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "order"), name="agenda_item_order_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("title", ""), _negated=True),
                        name="agenda_item_title_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("visibility__in", ["public", "summary", "private"])),
                        name="agenda_item_visibility_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ActionItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(max_length=5000)),
                ("unmatched_owners", models.JSONField(blank=True, default=list)),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("done", "Done"), ("dropped", "Dropped")],
                        default="open",
                        max_length=20,
                    ),
                ),
                ("due_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "owners",
                    models.ManyToManyField(
                        blank=True, related_name="action_items", to="governance.person"
                    ),
                ),
                (
                    "agenda_item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="action_items",
                        to="meetings.agendaitem",
                    ),
                ),
                (
                    "carried_into",
                    models.ManyToManyField(
                        blank=True, related_name="carried_action_items", to="meetings.meeting"
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "indexes": [models.Index(fields=["status"], name="action_item_status_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("text", ""), _negated=True),
                        name="action_item_text_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "done", "dropped"])),
                        name="action_item_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "open"), ("closed_at__isnull", True)),
                            models.Q(
                                models.Q(("status", "open"), _negated=True),
                                ("closed_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="action_item_closed_iff_not_open",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MeetingDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                            ("no_action", "No action"),
                            ("follow_up", "Follow-up actions assigned"),
                            ("referred", "Referred to the RFC / design review process"),
                            ("deferred", "Deferred"),
                        ],
                        max_length=20,
                    ),
                ),
                ("text", models.TextField(blank=True, max_length=5000)),
                ("moved_by", models.CharField(blank=True, max_length=200)),
                ("seconded_by", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "agenda_item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="meetings.agendaitem",
                    ),
                ),
            ],
            options={
                "ordering": ["agenda_item", "created_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "outcome__in",
                                [
                                    "accepted",
                                    "rejected",
                                    "no_action",
                                    "follow_up",
                                    "referred",
                                    "deferred",
                                ],
                            )
                        ),
                        name="decision_outcome_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MinutesVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("starts_at", models.DateTimeField()),
                ("markdown", models.TextField()),
                ("html", models.TextField()),
                (
                    "redaction_log",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="How many redactions, by reason; never what.",
                    ),
                ),
                ("change_note", models.CharField(blank=True, max_length=300)),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("retracted_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("retraction_reason", models.TextField(blank=True, editable=False)),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versions",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "retracted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "-number"],
                "indexes": [
                    models.Index(fields=["-published_at"], name="minutes_version_published_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "number"), name="minutes_version_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)), name="minutes_version_from_one"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("retracted_at__isnull", True), ("retracted_by__isnull", True)
                            ),
                            models.Q(
                                ("retracted_at__isnull", False), ("retracted_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="minutes_version_retracted_by_whom_and_when",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ReviewRound",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("closes_at", models.DateTimeField(help_text="The end of the review window.")),
                (
                    "change_note",
                    models.CharField(
                        blank=True,
                        help_text="For a correction: what changed, said publicly.",
                        max_length=300,
                    ),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Open"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn by an edit"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_rounds",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "-number"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("closed_at__isnull", True)),
                        fields=["closes_at"],
                        name="round_open_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "number"), name="review_round_number_once"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("closed_at__isnull", True)),
                        fields=("meeting",),
                        name="review_round_one_open_per_meeting",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("closed_at__isnull", True), ("outcome", "")),
                            models.Q(
                                ("closed_at__isnull", False),
                                ("outcome__in", ["published", "withdrawn"]),
                            ),
                            _connector="OR",
                        ),
                        name="review_round_outcome_iff_closed",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("closes_at__gt", models.F("submitted_at"))),
                        name="review_round_window_after_submission",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "verdict",
                    models.CharField(
                        choices=[("approve", "Approve"), ("object", "Object")], max_length=10
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=2000)),
                ("reviewed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "reviewer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reviews",
                        to="meetings.reviewround",
                    ),
                ),
            ],
            options={
                "ordering": ["round", "reviewed_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("round", "reviewer"), name="review_once_per_round"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("verdict__in", ["approve", "object"])),
                        name="review_verdict_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("verdict", "object"), _negated=True),
                            models.Q(("comment", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="review_objection_has_comment",
                    ),
                ],
            },
        ),
        migrations.RunPython(add_search_documents, drop_search_documents),
    ]
