"""nominations 0001-0014 in one step, for a new database: the models as they stand, and the
voting rule of each kind of decision (0008). 0002, 0005, 0012 and 0014 only rewrote rows that a
new database does not have. A database that has applied the fourteen keeps them."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# As 0008_voting_rule_defaults seeded them.
VOTING_RULE_DEFAULTS = {
    "module_maintainer": {},
    "module_reviewer": {},
    "core_maintainer": {"voting_days": 14, "early_close": False, "lead_confirms": True},
    "core_reviewer": {},
    "emeritus": {"secret": False},
    "removal": {"threshold": "two_thirds", "voting_days": 14, "early_close": False},
    "lead_removal": {
        "threshold": "three_quarters",
        "threshold_base": "electorate",
        "voting_days": 14,
        "early_close": False,
    },
    "emeritus_batch": {"secret": False},
    "taxonomy_revision": {"secret": False},
    "rule_change": {"threshold": "two_thirds", "secret": False},
    "motion": {"secret": False},
}


def seed_the_voting_rules(apps, schema_editor):
    VotingRule = apps.get_model("nominations", "VotingRule")
    for kind, values in VOTING_RULE_DEFAULTS.items():
        VotingRule.objects.create(kind=kind, **values)


class Migration(migrations.Migration):
    replaces = [
        ("nominations", "0001_initial"),
        ("nominations", "0002_nomination_voting_opened_by"),
        ("nominations", "0003_nominee_name_one_line"),
        ("nominations", "0004_ballot_receipt_nonce"),
        ("nominations", "0005_rename_decision_nominationdecision"),
        ("nominations", "0006_feedback_delivery_tracking"),
        ("nominations", "0007_voting_rule"),
        ("nominations", "0008_voting_rule_defaults"),
        ("nominations", "0009_proposals"),
        ("nominations", "0010_nominee_consent_and_seconders"),
        ("nominations", "0011_proposal_taxonomy_draft_again"),
        ("nominations", "0012_elector_awaiting_vote"),
        ("nominations", "0013_dashboard_list_indexes"),
        ("nominations", "0014_evidence_body_html"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("governance", "0014_taxonomy_revision_vote_url"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "criterion",
                    models.CharField(
                        choices=[
                            (
                                "contributions",
                                "Depth and breadth of code, review and design contributions",
                            ),
                            ("triage", "Issue triage"),
                            ("quality", "Holds the quality bar"),
                            ("commitment", "Commitment to maintain"),
                            ("module_support", "Support from the module's maintainers"),
                            ("positive", "Positive testimonial"),
                            ("negative", "Negative testimonial"),
                            ("general", "General"),
                        ],
                        max_length=30,
                    ),
                ),
                ("body", models.TextField(max_length=20000)),
                ("body_html", models.TextField(blank=True, editable=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("edited_at", models.DateTimeField(blank=True, null=True)),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="EvidenceRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body", models.TextField()),
                (
                    "criterion",
                    models.CharField(
                        choices=[
                            (
                                "contributions",
                                "Depth and breadth of code, review and design contributions",
                            ),
                            ("triage", "Issue triage"),
                            ("quality", "Holds the quality bar"),
                            ("commitment", "Commitment to maintain"),
                            ("module_support", "Support from the module's maintainers"),
                            ("positive", "Positive testimonial"),
                            ("negative", "Negative testimonial"),
                            ("general", "General"),
                        ],
                        max_length=30,
                    ),
                ),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="nominations.evidenceentry",
                    ),
                ),
                (
                    "replaced_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-replaced_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Nomination",
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
                            ("module_maintainer", "Module maintainer"),
                            ("module_reviewer", "Module reviewer"),
                            ("core_maintainer", "Core maintainer"),
                            ("core_reviewer", "Core reviewer"),
                            ("emeritus", "Move to emeritus"),
                            ("removal", "Removal"),
                            ("emeritus_batch", "Emeritus batch"),
                            ("taxonomy_revision", "Taxonomy revision"),
                            ("rule_change", "Change to a voting rule"),
                            ("motion", "Motion"),
                        ],
                        max_length=30,
                    ),
                ),
                ("rationale", models.TextField(max_length=20000)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("open", "Open for evidence"),
                            ("voting", "Voting"),
                            ("closed", "Voting closed, awaiting decision"),
                            ("decided", "Decided"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[("accepted", "Accepted"), ("declined", "Declined")],
                        max_length=20,
                    ),
                ),
                (
                    "policy",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text="The policy in force, frozen when voting opened.",
                    ),
                ),
                (
                    "nominee_consent",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not asked"),
                            ("asked", "Asked, no answer yet"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                        ],
                        default="",
                        max_length=10,
                    ),
                ),
                ("voting_deadline", models.DateTimeField(blank=True, null=True)),
                ("voting_opened_at", models.DateTimeField(blank=True, null=True)),
                ("voting_closed_at", models.DateTimeField(blank=True, null=True)),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_reason", models.TextField(blank=True)),
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
                (
                    "ending_role",
                    models.ForeignKey(
                        blank=True,
                        help_text="For a move to emeritus or a removal: the role it would end.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="governance.role",
                    ),
                ),
                (
                    "module",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nominations",
                        to="governance.module",
                    ),
                ),
                (
                    "nominators",
                    models.ManyToManyField(
                        blank=True, related_name="nominations_made", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "nominee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="nominations",
                        to="governance.person",
                    ),
                ),
                (
                    "voting_opened_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Who started the vote: they do not also decide it or release its announcement.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("vote", "Vote on this nomination"),
                    ("view_evidence", "Read this nomination's evidence thread"),
                    ("add_evidence", "Add to this nomination's evidence thread"),
                ],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "voting")),
                        fields=["voting_deadline"],
                        name="nomination_voting_deadline_idx",
                    ),
                    models.Index(fields=["status", "-updated_at"], name="nomination_status_idx"),
                    models.Index(
                        condition=models.Q(("status__in", ["draft", "open"])),
                        fields=["-updated_at", "-id"],
                        name="nomination_gathering_idx",
                    ),
                    models.Index(
                        condition=models.Q(("status", "closed")),
                        fields=["voting_closed_at", "id"],
                        name="nomination_closed_idx",
                    ),
                    models.Index(
                        condition=models.Q(("status__in", ["decided", "withdrawn"])),
                        fields=["-updated_at", "-id"],
                        name="nomination_ended_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("module__isnull", False),
                            ("status__in", ("draft", "open", "voting", "closed")),
                        ),
                        fields=("nominee", "kind", "module"),
                        name="nomination_one_live_per_module_role",
                        violation_error_message="This person already has a live nomination for this role.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("module__isnull", True),
                            ("status__in", ("draft", "open", "voting", "closed")),
                        ),
                        fields=("nominee", "kind"),
                        name="nomination_one_live_per_project_role",
                        violation_error_message="This person already has a live nomination for this role.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("kind__in", ("module_maintainer", "module_reviewer")),
                                ("module__isnull", False),
                            ),
                            ("kind__in", ("emeritus", "removal")),
                            models.Q(
                                models.Q(
                                    ("kind__in", ("module_maintainer", "module_reviewer")),
                                    _negated=True,
                                ),
                                ("module__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="nomination_module_matches_kind",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind__in", ("emeritus", "removal")), _negated=True),
                            ("ending_role__isnull", False),
                            _connector="OR",
                        ),
                        name="nomination_ending_names_role",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                (
                                    "kind__in",
                                    (
                                        "emeritus_batch",
                                        "taxonomy_revision",
                                        "rule_change",
                                        "motion",
                                    ),
                                ),
                                ("nominee__isnull", True),
                            ),
                            models.Q(
                                models.Q(
                                    (
                                        "kind__in",
                                        (
                                            "emeritus_batch",
                                            "taxonomy_revision",
                                            "rule_change",
                                            "motion",
                                        ),
                                    ),
                                    _negated=True,
                                ),
                                ("nominee__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="nomination_nominee_unless_proposal",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("status", "decided"), models.Q(("outcome", ""), _negated=True)
                            ),
                            models.Q(
                                models.Q(("status", "decided"), _negated=True), ("outcome", "")
                            ),
                            _connector="OR",
                        ),
                        name="nomination_outcome_iff_decided",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("status__in", ["voting", "closed", "decided"]), _negated=True
                            ),
                            models.Q(
                                ("voting_deadline__isnull", False),
                                ("voting_opened_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="nomination_voting_has_deadline",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Feedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("to_nominee", models.TextField(max_length=20000)),
                ("to_nominators", models.TextField(max_length=20000)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                ("other_channel", models.TextField(blank=True, max_length=1000)),
                (
                    "drafted_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "released_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="nominations.nomination",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="evidenceentry",
            name="nomination",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="evidence",
                to="nominations.nomination",
            ),
        ),
        migrations.CreateModel(
            name="Elector",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("recused", models.BooleanField(default=False)),
                ("recusal_reason", models.CharField(blank=True, max_length=300)),
                ("awaiting_vote", models.BooleanField(default=False)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="electors",
                        to="nominations.nomination",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("awaiting_vote", True)),
                        fields=["user", "nomination"],
                        name="elector_awaiting_vote_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("nomination", "user"), name="elector_once"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("recused", False),
                            models.Q(("recusal_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="elector_recusal_has_reason",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("recused", False), ("awaiting_vote", False), _connector="OR"
                        ),
                        name="elector_recused_awaits_no_vote",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Ballot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.PositiveIntegerField()),
                (
                    "choice",
                    models.CharField(
                        choices=[
                            ("approve", "Approve"),
                            ("decline", "Decline"),
                            ("abstain", "Abstain"),
                        ],
                        max_length=10,
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=2000)),
                ("cast_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("previous_hash", models.CharField(max_length=64)),
                ("entry_hash", models.CharField(max_length=64)),
                ("nonce", models.CharField(blank=True, max_length=32)),
                ("superseded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "voter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ballots",
                        to="nominations.nomination",
                    ),
                ),
            ],
            options={
                "ordering": ["nomination", "sequence"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("nomination", "sequence"), name="ballot_sequence_once"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("superseded_at__isnull", True)),
                        fields=("nomination", "voter"),
                        name="ballot_one_live_per_voter",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("choice__in", ["approve", "decline", "abstain"])),
                        name="ballot_choice_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Announcement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(max_length=20000)),
                ("released_at", models.DateTimeField(blank=True, null=True)),
                (
                    "released_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="announcement",
                        to="nominations.nomination",
                    ),
                ),
            ],
            options={
                "ordering": ["-released_at", "-pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("released_at__isnull", False)),
                        fields=["-released_at"],
                        name="announcement_released_idx",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="NominationDecision",
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
                        choices=[("accepted", "Accepted"), ("declined", "Declined")], max_length=20
                    ),
                ),
                ("reasons", models.TextField(max_length=20000)),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "decided_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decision",
                        to="nominations.nomination",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="NominationGroupObjectPermission",
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
                        on_delete=django.db.models.deletion.CASCADE, to="nominations.nomination"
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
            },
        ),
        migrations.CreateModel(
            name="NominationRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "nominee_name",
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
                    "nominee_github",
                    models.CharField(max_length=39, verbose_name="Nominee's GitHub handle"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("module_maintainer", "Module maintainer"),
                            ("module_reviewer", "Module reviewer"),
                            ("core_maintainer", "Core maintainer"),
                            ("core_reviewer", "Core reviewer"),
                            ("emeritus", "Move to emeritus"),
                            ("removal", "Removal"),
                        ],
                        max_length=30,
                    ),
                ),
                ("rationale", models.TextField(max_length=20000)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the core maintainers"),
                            ("taken_up", "Taken up as a nomination"),
                            ("rejected", "Not taken up"),
                            ("spam", "Rejected as spam"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("triage_reason", models.TextField(blank=True)),
                ("triaged_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "module",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="governance.module",
                    ),
                ),
                (
                    "requester",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="nomination_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "triaged_by",
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
                    models.Index(fields=["status", "created_at"], name="request_status_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("kind__in", ("module_maintainer", "module_reviewer")),
                                ("module__isnull", False),
                            ),
                            models.Q(
                                models.Q(
                                    ("kind__in", ("module_maintainer", "module_reviewer")),
                                    _negated=True,
                                ),
                                ("module__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="request_module_matches_kind",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "pending"), ("triaged_at__isnull", False), _connector="OR"
                        ),
                        name="request_triaged_has_time",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="nomination",
            name="request",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="nomination",
                to="nominations.nominationrequest",
            ),
        ),
        migrations.CreateModel(
            name="NominationUserObjectPermission",
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
                        on_delete=django.db.models.deletion.CASCADE, to="nominations.nomination"
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
            },
        ),
        migrations.CreateModel(
            name="Proposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "rule_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("module_maintainer", "Module maintainer"),
                            ("module_reviewer", "Module reviewer"),
                            ("core_maintainer", "Core maintainer"),
                            ("core_reviewer", "Core reviewer"),
                            ("emeritus", "Move to emeritus"),
                            ("removal", "Removal"),
                            ("lead_removal", "Ending a role of the lead core maintainer"),
                            ("emeritus_batch", "Emeritus batch"),
                            ("taxonomy_revision", "Taxonomy revision"),
                            ("rule_change", "Change to a voting rule"),
                            ("motion", "Motion"),
                        ],
                        max_length=30,
                    ),
                ),
                ("rule_changes", models.JSONField(blank=True, default=dict)),
                ("public_outcome", models.CharField(blank=True, max_length=300)),
                ("applied_at", models.DateTimeField(blank=True, null=True)),
                (
                    "emeritus_roles",
                    models.ManyToManyField(blank=True, related_name="+", to="governance.role"),
                ),
                (
                    "taxonomy_proposal",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="governance.taxonomyproposal",
                    ),
                ),
                (
                    "vote",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="proposal",
                        to="nominations.nomination",
                    ),
                ),
            ],
            options={
                "ordering": ["-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("rule_kind", ""),
                            models.Q(("rule_changes", {}), _negated=True),
                            _connector="OR",
                        ),
                        name="proposal_rule_has_changes",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Seconding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="nominations.nomination",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("nomination", "user"), name="seconding_once")
                ],
            },
        ),
        migrations.AddField(
            model_name="nomination",
            name="seconders",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                through="nominations.Seconding",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="Tally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("electorate", models.PositiveIntegerField()),
                ("approve", models.PositiveIntegerField()),
                ("decline", models.PositiveIntegerField()),
                ("abstain", models.PositiveIntegerField()),
                ("quorum_met", models.BooleanField()),
                ("passed", models.BooleanField()),
                ("ledger_head", models.CharField(max_length=64)),
                ("closed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "nomination",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tally",
                        to="nominations.nomination",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "tallies",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("passed", False), ("quorum_met", True), _connector="OR"
                        ),
                        name="tally_pass_needs_quorum",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="VotingRule",
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
                            ("module_maintainer", "Module maintainer"),
                            ("module_reviewer", "Module reviewer"),
                            ("core_maintainer", "Core maintainer"),
                            ("core_reviewer", "Core reviewer"),
                            ("emeritus", "Move to emeritus"),
                            ("removal", "Removal"),
                            ("lead_removal", "Ending a role of the lead core maintainer"),
                            ("emeritus_batch", "Emeritus batch"),
                            ("taxonomy_revision", "Taxonomy revision"),
                            ("rule_change", "Change to a voting rule"),
                            ("motion", "Motion"),
                        ],
                        max_length=30,
                        unique=True,
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("approval", "Approval vote"),
                            ("lazy_consensus", "Lazy consensus"),
                            ("consent", "Consent"),
                        ],
                        default="approval",
                        max_length=20,
                    ),
                ),
                (
                    "threshold",
                    models.CharField(
                        choices=[
                            ("majority", "A majority"),
                            ("two_thirds", "Two thirds"),
                            ("three_quarters", "Three quarters"),
                        ],
                        default="majority",
                        help_text="Approval votes only.",
                        max_length=20,
                    ),
                ),
                (
                    "threshold_base",
                    models.CharField(
                        choices=[
                            ("cast", "of the approve and decline votes cast"),
                            ("electorate", "of the whole electorate"),
                        ],
                        default="cast",
                        max_length=20,
                    ),
                ),
                (
                    "quorum_percent",
                    models.PositiveSmallIntegerField(
                        default=50,
                        help_text="The share of the whole electorate that must cast a ballot.",
                    ),
                ),
                ("voting_days", models.PositiveSmallIntegerField(default=7)),
                ("min_voting_days", models.PositiveSmallIntegerField(default=7)),
                ("min_voters", models.PositiveSmallIntegerField(default=3)),
                (
                    "early_close",
                    models.BooleanField(
                        default=True, help_text="Close once every voter not recused has voted."
                    ),
                ),
                ("secret", models.BooleanField(default=True)),
                (
                    "objections_to_block",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="Lazy consensus only: this many objections stop the proposal.",
                    ),
                ),
                ("lead_confirms", models.BooleanField(default=False)),
                (
                    "nominee_consent",
                    models.BooleanField(
                        default=False,
                        help_text="The nominee accepts the nomination before the vote opens.",
                    ),
                ),
                (
                    "seconders",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Core maintainers who second a nomination before its vote opens.",
                    ),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "updated_by",
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
                "ordering": ["pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quorum_percent__lte", 100)),
                        name="voting_rule_quorum_percent",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("min_voting_days__gte", 1),
                            ("voting_days__gte", models.F("min_voting_days")),
                        ),
                        name="voting_rule_duration",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("min_voters__gte", 2)), name="voting_rule_min_voters"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("objections_to_block__gte", 1)),
                        name="voting_rule_objections",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="FeedbackRead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_read_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "feedback",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reads",
                        to="nominations.feedback",
                    ),
                ),
                (
                    "reader",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("feedback", "reader"), name="feedback_read_once"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="evidenceentry",
            index=models.Index(fields=["nomination", "created_at"], name="evidence_thread_idx"),
        ),
        migrations.AlterUniqueTogether(
            name="nominationgroupobjectpermission",
            unique_together={("group", "permission", "content_object")},
        ),
        migrations.AlterUniqueTogether(
            name="nominationuserobjectpermission",
            unique_together={("user", "permission", "content_object")},
        ),
        migrations.RunPython(seed_the_voting_rules, migrations.RunPython.noop),
    ]
