"""governance 0001-0014 in one step, for a new database: the models as they stand, and the one
row the site needs (0004's generation of the public pages). 0006-0008 only rewrote rows that a
new database does not have. A database that has applied the fourteen keeps them."""

import secrets

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.comparison
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import governance.integration_models
import governance.validators
import integrations.webhooks


def create_the_public_pages_generation(apps, schema_editor):
    apps.get_model("governance", "PublicPagesGeneration").objects.create(
        pk=1, token=secrets.token_hex(8)
    )


class Migration(migrations.Migration):
    replaces = [
        ("governance", "0001_initial"),
        ("governance", "0002_repository_files_and_reports"),
        ("governance", "0003_role_latest_change_index"),
        ("governance", "0004_public_pages_generation"),
        ("governance", "0005_imported_file_layout"),
        ("governance", "0006_audit_labels_without_private_text"),
        ("governance", "0007_role_public_end_reason"),
        ("governance", "0008_person_full_name_one_line"),
        ("governance", "0009_github_sync_and_activity_source"),
        ("governance", "0010_public_pages_generation_changed_at"),
        ("governance", "0011_forum_topics_and_webhooks"),
        ("governance", "0012_person_github_id_and_former_handles"),
        ("governance", "0013_invitation"),
        ("governance", "0014_taxonomy_revision_vote_url"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "document_title",
                    models.CharField(
                        default="PyTorch Governance | Maintainers",
                        help_text="The first heading of persons_of_interest.",
                        max_length=200,
                    ),
                ),
                (
                    "responsibilities",
                    models.TextField(
                        blank=True,
                        help_text="The prose under “Responsibilities” in persons_of_interest, written as is.",
                    ),
                ),
                (
                    "mandatory_checks",
                    models.TextField(
                        blank=True,
                        default="EasyCLA\nLint",
                        help_text="CI checks every module's merge rule requires: one check name a line.",
                        validators=[governance.validators.validate_check_names],
                    ),
                ),
                (
                    "follow_imported_layout",
                    models.BooleanField(
                        default=False,
                        help_text="Write persons_of_interest the way the last imported file wrote it: its bullets, heading adornments, blank lines and prose sections. Turned on by an import.",
                    ),
                ),
                (
                    "persons_layout",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        editable=False,
                        help_text="How the last imported persons_of_interest was written, for the export.",
                    ),
                ),
            ],
            options={
                "verbose_name": "export settings",
                "verbose_name_plural": "export settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="export_settings_singleton"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ForumTopic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject_key", models.CharField(max_length=100, unique=True)),
                ("title", models.CharField(max_length=255)),
                (
                    "raw",
                    models.TextField(
                        help_text="The public text of the first post, exactly as posted."
                    ),
                ),
                ("revision", models.PositiveIntegerField(default=1)),
                ("synced_revision", models.PositiveIntegerField(default=0)),
                ("topic_id", models.BigIntegerField(blank=True, null=True, unique=True)),
                ("post_id", models.BigIntegerField(blank=True, null=True)),
                ("topic_url", models.URLField(blank=True, max_length=500)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("synced_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("next_attempt_at__isnull", False)),
                        fields=["next_attempt_at"],
                        name="forum_topic_due_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("synced_revision__lte", models.F("revision"))),
                        name="forum_topic_synced_at_most_current",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("post_id__isnull", True), ("topic_id__isnull", True)),
                            models.Q(("post_id__isnull", False), ("topic_id__isnull", False)),
                            _connector="OR",
                        ),
                        name="forum_topic_and_first_post_together",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="GitHubActivityCursor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("repository", models.CharField(max_length=200)),
                ("stream", models.CharField(max_length=20)),
                ("read_until", models.DateTimeField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("repository", "stream"), name="github_activity_cursor_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MergeRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "patterns",
                    models.TextField(
                        help_text="One glob a line; a leading '-' excludes. '*' matches every file.",
                        validators=[governance.validators.validate_path_patterns],
                    ),
                ),
                (
                    "approved_by",
                    models.TextField(
                        blank=True,
                        help_text="GitHub logins or org/team slugs, one a line.",
                        validators=[governance.validators.validate_approvers],
                    ),
                ),
                (
                    "include_core_maintainers",
                    models.BooleanField(
                        default=False,
                        help_text="Also approved by every active core maintainer, as the roster says.",
                    ),
                ),
                (
                    "mandatory_checks",
                    models.TextField(
                        blank=True,
                        help_text="One CI check name a line.",
                        validators=[governance.validators.validate_check_names],
                    ),
                ),
                ("ignore_flaky_failures", models.BooleanField(default=True)),
            ],
            options={
                "ordering": ["position", "name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        name="merge_rule_name_unique_ci",
                        violation_error_message="A merge rule already has this name.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="merge_rule_name_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("patterns", ""), _negated=True),
                        name="merge_rule_patterns_not_empty",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Module",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=100, unique=True)),
                ("description", models.TextField(blank=True)),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("core", "Core modules"),
                            ("external", "Core-governed external modules"),
                            ("sunsetted", "Sunsetted modules"),
                        ],
                        default="core",
                        max_length=20,
                    ),
                ),
                (
                    "group_name",
                    models.CharField(
                        blank=True,
                        help_text='The heading of the group the maintainer file lists it under, when the project names its groups itself (e.g. "Library-level maintainers"); empty: the standard heading.',
                        max_length=200,
                    ),
                ),
                (
                    "includes",
                    models.CharField(
                        blank=True,
                        help_text='Sub-areas it covers, e.g. "Dynamo, FX".',
                        max_length=300,
                    ),
                ),
                (
                    "path_patterns",
                    models.TextField(
                        blank=True,
                        help_text="Repository paths it owns: one glob a line; a leading '-' excludes.",
                        validators=[governance.validators.validate_path_patterns],
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("active", "Active"),
                            ("retired", "Retired by a taxonomy revision"),
                        ],
                        default="active",
                        max_length=20,
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Place in the exported maintainer files; empty places it after the others, by name. Set by importing persons_of_interest, so its order survives a round trip.",
                        null=True,
                    ),
                ),
                (
                    "inactivity_months",
                    models.PositiveSmallIntegerField(
                        default=12,
                        help_text="Months without activity after which a maintainer is reported as inactive.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(120),
                        ],
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
            options={
                "ordering": ["name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        condition=models.Q(("status", "active")),
                        name="module_active_name_unique_ci",
                        violation_error_message="An active module already has this name.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="module_name_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("group__in", ["core", "external", "sunsetted"])),
                        name="module_group_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["active", "retired"])),
                        name="module_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("inactivity_months__gte", 1), ("inactivity_months__lte", 120)
                        ),
                        name="module_inactivity_months_range",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Person",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "full_name",
                    models.CharField(
                        max_length=200,
                        validators=[
                            django.core.validators.RegexValidator(
                                "[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]",
                                code="invalid_name",
                                inverse_match=True,
                                message="A name is one line of text, without line breaks, tabs or control characters.",
                            )
                        ],
                    ),
                ),
                (
                    "github",
                    models.CharField(
                        blank=True,
                        help_text="Unique regardless of case. Empty for people listed without a handle.",
                        max_length=39,
                        validators=[
                            django.core.validators.RegexValidator(
                                "\\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\\Z",
                                message="A GitHub handle has only letters, digits and single hyphens, and cannot begin or end with a hyphen.",
                            )
                        ],
                        verbose_name="GitHub handle",
                    ),
                ),
                ("email", models.EmailField(blank=True, max_length=254)),
                (
                    "affiliation",
                    models.CharField(
                        blank=True,
                        help_text="Employer. Membership belongs to the individual; this shows employer spread.",
                        max_length=200,
                    ),
                ),
                (
                    "github_id",
                    models.PositiveBigIntegerField(
                        blank=True,
                        editable=False,
                        help_text="Set by the person's first GitHub sign-in.",
                        null=True,
                        unique=True,
                        verbose_name="GitHub user id",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "user",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="person",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "people",
                "ordering": ["full_name", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("github"),
                        condition=models.Q(("github", ""), _negated=True),
                        name="person_github_unique_ci",
                        violation_error_message="Someone already has this GitHub handle.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("github", ""),
                            ("github__regex", "\\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\\Z"),
                            _connector="OR",
                        ),
                        name="person_github_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("full_name", ""), _negated=True),
                        name="person_full_name_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("full_name__regex", "[\\x01-\\x1f\\x7f-\\x9f\\u2028\\u2029]"),
                            _negated=True,
                        ),
                        name="person_full_name_one_line",
                        violation_error_message="A name is one line of text, without line breaks, tabs or control characters.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event_key",
                    models.CharField(
                        help_text="What it invites to, e.g. nomination-feedback:42.", max_length=200
                    ),
                ),
                ("url", models.CharField(help_text="The local page it leads to.", max_length=300)),
                ("nonce", models.CharField(editable=False, max_length=64)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("accepted_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="governance.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "event_key"), name="invitation_once_per_event"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="invitation_expires_later",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("accepted_at__isnull", True),
                            ("accepted_by__isnull", False),
                            _connector="OR",
                        ),
                        name="invitation_accepted_by_someone",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="FormerHandle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "github",
                    models.CharField(
                        max_length=39,
                        validators=[
                            django.core.validators.RegexValidator(
                                "\\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\\Z",
                                message="A GitHub handle has only letters, digits and single hyphens, and cannot begin or end with a hyphen.",
                            )
                        ],
                    ),
                ),
                ("renamed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="former_handles",
                        to="governance.person",
                    ),
                ),
            ],
            options={
                "ordering": ["-renamed_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("github"),
                        name="former_handle_unique_ci",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("github__regex", "\\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\\Z")),
                        name="former_handle_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonActivity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_active_on", models.DateField()),
                ("reviews", models.PositiveIntegerField(default=0)),
                ("commits", models.PositiveIntegerField(default=0)),
                ("triaged_issues", models.PositiveIntegerField(default=0)),
                ("imported_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "source",
                    models.CharField(
                        choices=[("file", "an imported file"), ("github", "GitHub")],
                        default="file",
                        max_length=10,
                    ),
                ),
                ("source_detail", models.CharField(blank=True, max_length=500)),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activity",
                        to="governance.person",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "person activity",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("source__in", ["file", "github"])),
                        name="person_activity_source_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PublicPagesGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="public_pages_generation_singleton"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RepositorySync",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("due_at", models.DateTimeField(blank=True, null=True)),
                ("running_until", models.DateTimeField(blank=True, null=True)),
                ("changes_after_event", models.PositiveBigIntegerField(default=0)),
                ("listed_through_event", models.PositiveBigIntegerField(default=0)),
                ("pull_request_number", models.PositiveIntegerField(blank=True, null=True)),
                ("pull_request_url", models.URLField(blank=True, max_length=500)),
                ("last_synced_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
                ("last_error_at", models.DateTimeField(blank=True, null=True)),
                ("failures", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="repository_sync_singleton"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TaxonomyProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("reason", models.TextField(blank=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("applied", "Applied"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
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
                "ordering": ["-updated_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("title", ""), _negated=True),
                        name="proposal_title_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["draft", "applied", "withdrawn"])),
                        name="proposal_status_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TaxonomyProposalStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                (
                    "operation",
                    models.CharField(
                        choices=[
                            ("add", "Added"),
                            ("rename", "Renamed"),
                            ("merge", "Merged"),
                            ("split", "Split"),
                            ("sunset", "Sunsetted"),
                        ],
                        max_length=20,
                    ),
                ),
                ("data", models.JSONField(default=dict)),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps",
                        to="governance.taxonomyproposal",
                    ),
                ),
            ],
            options={
                "ordering": ["proposal", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("proposal", "position"), name="proposal_step_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("operation__in", ["add", "rename", "merge", "split", "sunset"])
                        ),
                        name="proposal_step_operation_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TaxonomyRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("reason", models.TextField()),
                ("decided_on", models.DateField()),
                (
                    "vote_url",
                    models.CharField(
                        blank=True,
                        help_text="The page of the proposal vote that accepted it (none for older revisions).",
                        max_length=200,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
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
                "ordering": ["-decided_on", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="taxonomyproposal",
            name="revision",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="proposal",
                to="governance.taxonomyrevision",
            ),
        ),
        migrations.CreateModel(
            name="TaxonomyChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "operation",
                    models.CharField(
                        choices=[
                            ("add", "Added"),
                            ("rename", "Renamed"),
                            ("merge", "Merged"),
                            ("split", "Split"),
                            ("sunset", "Sunsetted"),
                        ],
                        max_length=20,
                    ),
                ),
                ("previous_name", models.CharField(blank=True, max_length=200)),
                ("previous_slug", models.SlugField(blank=True, max_length=100)),
                ("previous_includes", models.CharField(blank=True, max_length=300)),
                (
                    "module",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="governance.module",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="successor_changes",
                        to="governance.module",
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="governance.taxonomyrevision",
                    ),
                ),
            ],
            options={
                "ordering": ["revision", "pk"],
                "indexes": [
                    models.Index(fields=["previous_slug"], name="taxonomy_previous_slug_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("operation__in", ["merge", "split"]), ("source__isnull", False)
                            ),
                            models.Q(
                                ("operation__in", ["add", "rename", "sunset"]),
                                ("source__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="taxonomy_change_source_matches_operation",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("source", models.F("module")), _negated=True),
                        name="taxonomy_change_source_not_module",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Role",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("lead_core_maintainer", "Lead core maintainer"),
                            ("core_maintainer", "Core maintainer"),
                            ("core_reviewer", "Core reviewer"),
                            ("module_maintainer", "Module maintainer"),
                            ("module_reviewer", "Module reviewer"),
                        ],
                        max_length=30,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("active", "Active"), ("emeritus", "Emeritus")],
                        default="active",
                        max_length=20,
                    ),
                ),
                ("started_on", models.DateField(default=django.utils.timezone.localdate)),
                ("ended_on", models.DateField(blank=True, null=True)),
                (
                    "end_reason",
                    models.TextField(
                        blank=True,
                        help_text="Why the role ended, as the core maintainers noted it: private.",
                    ),
                ),
                (
                    "public_end_reason",
                    models.CharField(
                        blank=True,
                        help_text="What the roster shows of why the role ended: a fixed wording, never typed.",
                        max_length=300,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "module",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="roles",
                        to="governance.module",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="roles",
                        to="governance.person",
                    ),
                ),
                (
                    "ended_by_revision",
                    models.ForeignKey(
                        blank=True,
                        help_text="Set when the role ended because a taxonomy revision moved it to another module.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ended_roles",
                        to="governance.taxonomyrevision",
                    ),
                ),
            ],
            options={
                "ordering": ["-started_on", "pk"],
                "indexes": [
                    models.Index(fields=["module", "status"], name="role_module_status_idx"),
                    models.Index(
                        models.OrderBy(
                            django.db.models.functions.comparison.Coalesce(
                                "ended_on", "started_on"
                            ),
                            descending=True,
                        ),
                        models.OrderBy(models.F("id"), descending=True),
                        condition=models.Q(("ended_by_revision__isnull", True)),
                        name="role_latest_change_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("module__isnull", False), ("status", "active")),
                        fields=("person", "kind", "module"),
                        name="role_one_active_per_person_kind_module",
                        violation_error_message="This person already holds this role in this module.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("module__isnull", True), ("status", "active")),
                        fields=("person", "kind"),
                        name="role_one_active_per_person_project_kind",
                        violation_error_message="This person already holds this role.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "lead_core_maintainer"), ("status", "active")),
                        fields=("kind",),
                        name="role_one_active_lead_core_maintainer",
                        violation_error_message="There is already an active lead core maintainer.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("kind__in", ("module_maintainer", "module_reviewer")),
                                ("module__isnull", False),
                            ),
                            models.Q(
                                (
                                    "kind__in",
                                    ("lead_core_maintainer", "core_maintainer", "core_reviewer"),
                                ),
                                ("module__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="role_module_matches_kind",
                        violation_error_message="Module roles need a module; project roles have none.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("ended_on__isnull", True), ("status", "active")),
                            models.Q(("ended_on__isnull", False), ("status", "emeritus")),
                            _connector="OR",
                        ),
                        name="role_end_date_matches_status",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ended_on__isnull", True),
                            ("ended_on__gte", models.F("started_on")),
                            _connector="OR",
                        ),
                        name="role_ends_after_start",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("ended_by_revision__isnull", True),
                            ("status", "emeritus"),
                            _connector="OR",
                        ),
                        name="role_moved_only_when_ended",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="WebhookEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("url", models.URLField(max_length=500)),
                (
                    "secret",
                    models.CharField(
                        default=integrations.webhooks.secret_new,
                        help_text="Give this to the receiver: it checks each delivery's signature with it.",
                        max_length=100,
                    ),
                ),
                (
                    "events",
                    models.JSONField(
                        default=governance.integration_models.all_events,
                        help_text="Which events it receives.",
                    ),
                ),
                (
                    "payload_format",
                    models.CharField(
                        choices=[
                            ("event", "JSON event (Standard Webhooks)"),
                            ("chat", "Chat message (Slack, Zulip slack_incoming, Discord /slack)"),
                        ],
                        default="event",
                        max_length=10,
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                ("consecutive_failures", models.PositiveIntegerField(default=0)),
                ("disabled_reason", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("payload_format__in", ["event", "chat"])),
                        name="webhook_endpoint_format_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("secret__startswith", "whsec_")),
                        name="webhook_endpoint_secret_shape",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event_type",
                    models.CharField(
                        choices=[
                            ("minutes.published", "Minutes published"),
                            ("minutes.retracted", "Minutes retracted"),
                            ("announcement.released", "Announcement released"),
                            ("roster.changed", "Roster changed"),
                        ],
                        max_length=40,
                    ),
                ),
                ("event_key", models.CharField(max_length=200)),
                ("message_id", models.CharField(max_length=60, unique=True)),
                ("body", models.TextField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("delivered", "Delivered"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_status_code", models.PositiveIntegerField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=500)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "endpoint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="governance.webhookendpoint",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "pending")),
                        fields=["next_attempt_at"],
                        name="webhook_delivery_due_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("endpoint", "event_key"), name="webhook_delivery_once_per_event"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "delivered", "failed"])),
                        name="webhook_delivery_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "event_type__in",
                                [
                                    "minutes.published",
                                    "minutes.retracted",
                                    "announcement.released",
                                    "roster.changed",
                                ],
                            )
                        ),
                        name="webhook_delivery_event_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "delivered"), _negated=True),
                            ("delivered_at__isnull", False),
                            _connector="OR",
                        ),
                        name="webhook_delivery_delivered_when",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "actor_label",
                    models.CharField(
                        help_text="Who acted, kept if the account goes away.", max_length=150
                    ),
                ),
                ("verb", models.CharField(max_length=60)),
                ("target_type", models.CharField(max_length=60)),
                ("target_id", models.CharField(max_length=60)),
                ("target_label", models.CharField(max_length=300)),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                (
                    "actor",
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
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["target_type", "target_id"], name="audit_target_idx")
                ],
            },
        ),
        migrations.CreateModel(
            name="ForumReply",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("revision", models.PositiveIntegerField()),
                ("raw", models.TextField()),
                ("marker", models.CharField(max_length=200)),
                ("posted_at", models.DateTimeField(blank=True, null=True)),
                ("post_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="replies",
                        to="governance.forumtopic",
                    ),
                ),
            ],
            options={
                "ordering": ["topic", "revision"],
                "constraints": [
                    models.UniqueConstraint(fields=("topic", "revision"), name="forum_reply_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="ModuleGroupObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="governance.module"
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group"),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
            ],
            options={
                "abstract": False,
                "unique_together": {("group", "permission", "content_object")},
            },
        ),
        migrations.CreateModel(
            name="ModuleUserObjectPermission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="governance.module"
                    ),
                ),
                (
                    "permission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="auth.permission"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "abstract": False,
                "unique_together": {("user", "permission", "content_object")},
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "event_key",
                    models.CharField(
                        help_text="Names the event, e.g. role-granted:42, so a rerun adds nothing.",
                        max_length=200,
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Email"), ("inbox", "In-app inbox")], max_length=10
                    ),
                ),
                ("subject", models.CharField(max_length=200)),
                ("body", models.TextField()),
                ("url", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("sent_at__isnull", True)),
                        fields=["created_at"],
                        name="notification_unsent_idx",
                    ),
                    models.Index(
                        fields=["recipient", "channel", "-created_at"],
                        name="notification_inbox_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("event_key", "recipient", "channel"),
                        name="notification_once_per_event",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("channel__in", ["email", "inbox"])),
                        name="notification_channel_valid",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="taxonomyproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "applied"), ("revision__isnull", False)),
                    models.Q(
                        models.Q(("status", "applied"), _negated=True), ("revision__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="proposal_applied_iff_revision",
            ),
        ),
        migrations.RunPython(create_the_public_pages_generation, migrations.RunPython.noop),
    ]
