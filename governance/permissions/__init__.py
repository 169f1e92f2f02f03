"""The permission policy: the only package that decides who may see or do what.

Deny by default. Role predicates read the roster (active roles), object-level grants are
django-guardian rows on direct-foreign-key permission tables, checked with global permissions
ignored so that a model-wide permission never widens an object grant. Other apps' permissions are
named by codename ("nominations.vote") so the policy imports none of them.

Callers read every predicate from here (`permissions.can_vote`); the modules divide it by
subject: `roles`, `grants`, `accounts`, `roster`, `nominations`, `meetings`.
"""

from governance.permissions.accounts import *  # noqa: F403
from governance.permissions.grants import *  # noqa: F403
from governance.permissions.meetings import *  # noqa: F403
from governance.permissions.nominations import *  # noqa: F403
from governance.permissions.roles import *  # noqa: F403
from governance.permissions.roster import *  # noqa: F403
