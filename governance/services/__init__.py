"""Every state change of the roster, the audit log and the outbox.

Each service is keyword-only and atomic, takes `actor=` (a user, or None for the system itself),
asks `governance.permissions` before it acts, writes an audit event, and queues notifications to
be sent once the transaction commits. Callers use `from governance import services` and the
names below; the modules split them by subject.
"""

from governance.services.base import audit_record
from governance.services.export_settings import (
    EXPORT_SETTINGS_FIELDS,
    MERGE_RULE_FIELDS,
    export_settings_update,
    merge_rule_create,
    merge_rule_delete,
    merge_rule_update,
)
from governance.services.github_activity import GitHubActivityReport, github_activity_import
from governance.services.github_identity import (
    github_sign_in_refusal_record,
    person_claimed_by_github,
    person_github_sign_in,
)
from governance.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_send,
    invitations_stuck,
)
from governance.services.notifications import (
    MAX_ATTEMPTS,
    SEND_BATCH,
    STUCK_AFTER,
    Message,
    inbox_mark_all_read,
    notification_queue,
    notification_send,
    notifications_queue,
    notifications_stuck,
)
from governance.services.privacy import Anonymisation, person_anonymise
from governance.services.repository_sync import repository_sync_is_due, repository_sync_run
from governance.services.roster import (
    module_create,
    module_update,
    person_create,
    person_update,
    role_grant,
    role_make_emeritus,
    roles_make_emeritus,
)
from governance.services.roster_import import activity_import, persons_import, roster_bootstrap
from governance.services.taxonomy import taxonomy_revise
from governance.services.taxonomy_proposals import (
    taxonomy_proposal_add_step,
    taxonomy_proposal_apply,
    taxonomy_proposal_create,
    taxonomy_proposal_remove_step,
    taxonomy_proposal_withdraw,
)
from governance.services.two_factor import (
    recovery_codes_regenerate,
    two_factor_enroll,
    two_factor_reset,
    two_factor_verify,
)
from governance.taxonomy_steps import (
    ModuleAdd,
    ModuleMerge,
    ModuleRename,
    ModuleSplit,
    ModuleSunset,
)

__all__ = [
    "EXPORT_SETTINGS_FIELDS",
    "MAX_ATTEMPTS",
    "MERGE_RULE_FIELDS",
    "SEND_BATCH",
    "STUCK_AFTER",
    "Anonymisation",
    "GitHubActivityReport",
    "Message",
    "ModuleAdd",
    "ModuleMerge",
    "ModuleRename",
    "ModuleSplit",
    "ModuleSunset",
    "activity_import",
    "audit_record",
    "export_settings_update",
    "github_activity_import",
    "github_sign_in_refusal_record",
    "inbox_mark_all_read",
    "invitation_accept",
    "invitation_create",
    "invitation_from_token",
    "invitation_send",
    "invitations_stuck",
    "merge_rule_create",
    "merge_rule_delete",
    "merge_rule_update",
    "module_create",
    "module_update",
    "notification_queue",
    "notification_send",
    "notifications_queue",
    "notifications_stuck",
    "person_anonymise",
    "person_claimed_by_github",
    "person_create",
    "person_github_sign_in",
    "person_update",
    "persons_import",
    "recovery_codes_regenerate",
    "repository_sync_is_due",
    "repository_sync_run",
    "role_grant",
    "role_make_emeritus",
    "roles_make_emeritus",
    "roster_bootstrap",
    "taxonomy_proposal_add_step",
    "taxonomy_proposal_apply",
    "taxonomy_proposal_create",
    "taxonomy_proposal_remove_step",
    "taxonomy_proposal_withdraw",
    "taxonomy_revise",
    "two_factor_enroll",
    "two_factor_reset",
    "two_factor_verify",
]
