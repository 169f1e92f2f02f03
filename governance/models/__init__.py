"""The governance app's data, a module per topic: people and their activity, modules, roles, the
taxonomy, the audit log, notifications, the repository files and the public pages' token.

Invariants live in the database (unique and check constraints) so that no code path, including
the admin and raw bulk writes, can store a state the governance rules forbid.

Outside this package, import from `governance.models`, which names everything here. Django
imports it as the app loads, and it imports each module (and `governance/integration_models.py`,
the outbox of the outside services), so that every model is registered.
"""

from governance.integration_models import ForumReply, ForumTopic, WebhookDelivery, WebhookEndpoint
from governance.models.activity import ActivitySource, GitHubActivityCursor, PersonActivity
from governance.models.audit import AuditEvent
from governance.models.modules import (
    DEFAULT_INACTIVITY_MONTHS,
    MAX_INACTIVITY_MONTHS,
    Module,
    ModuleGroup,
    ModuleGroupObjectPermission,
    ModuleStatus,
    ModuleUserObjectPermission,
)
from governance.models.notifications import Invitation, Notification, NotificationChannel
from governance.models.people import (
    GITHUB_HANDLE_MAX_LENGTH,
    GITHUB_HANDLE_PATTERN,
    FormerHandle,
    Person,
    validate_github_handle,
)
from governance.models.public_pages import PublicPagesGeneration
from governance.models.repository_files import ExportSettings, MergeRule, RepositorySync
from governance.models.roles import (
    MODULE_ROLE_KINDS,
    PROJECT_ROLE_KINDS,
    Role,
    RoleKind,
    RoleStatus,
)
from governance.models.taxonomy import (
    ProposalStatus,
    TaxonomyChange,
    TaxonomyOperation,
    TaxonomyProposal,
    TaxonomyProposalStep,
    TaxonomyRevision,
)

__all__ = [
    "DEFAULT_INACTIVITY_MONTHS",
    "GITHUB_HANDLE_MAX_LENGTH",
    "GITHUB_HANDLE_PATTERN",
    "MAX_INACTIVITY_MONTHS",
    "MODULE_ROLE_KINDS",
    "PROJECT_ROLE_KINDS",
    "ActivitySource",
    "AuditEvent",
    "ExportSettings",
    "FormerHandle",
    "ForumReply",
    "ForumTopic",
    "GitHubActivityCursor",
    "Invitation",
    "MergeRule",
    "Module",
    "ModuleGroup",
    "ModuleGroupObjectPermission",
    "ModuleStatus",
    "ModuleUserObjectPermission",
    "Notification",
    "NotificationChannel",
    "Person",
    "PersonActivity",
    "ProposalStatus",
    "PublicPagesGeneration",
    "RepositorySync",
    "Role",
    "RoleKind",
    "RoleStatus",
    "TaxonomyChange",
    "TaxonomyOperation",
    "TaxonomyProposal",
    "TaxonomyProposalStep",
    "TaxonomyRevision",
    "WebhookDelivery",
    "WebhookEndpoint",
    "validate_github_handle",
]
