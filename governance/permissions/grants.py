"""Object-level grants: django-guardian rows on direct-foreign-key permission tables, read with
global permissions ignored, so that a model-wide permission never widens an object grant."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.db import connection
from django.db.models import Model, QuerySet
from guardian.ctypes import get_content_type
from guardian.shortcuts import (
    assign_perm,
    get_objects_for_user,
    get_users_with_perms,
    remove_perm,
)
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from governance.permissions.roles import GRANTS_ATTRIBUTE, User, forget_cached_access

__all__ = [
    "direct_grants",
    "grant_object_permission",
    "grant_object_permission_to_users",
    "has_object_permission",
    "objects_granted",
    "revoke_object_permission",
    "revoke_object_permission_from_users",
    "users_granted",
]


def has_object_permission(user: User, perm: str, obj: Model) -> bool:
    """Whether `user` holds the object-level grant `perm` ("app.codename") on `obj`, directly
    or through a group.

    An object's grants are read once per user object (so once per request), however many
    questions a page asks. Superuser status widens nothing here: only the grant rows count.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    grants = getattr(user, GRANTS_ATTRIBUTE, None)
    if grants is None:
        grants = {}
        setattr(user, GRANTS_ATTRIBUTE, grants)
    key = (obj._meta.label, obj.pk)
    if key not in grants:
        grants[key] = _codenames_granted(user, obj)
    return perm.split(".", 1)[-1] in grants[key]


def _codenames_granted(user: AbstractBaseUser, obj: Model) -> frozenset[str]:
    """The codenames of `user`'s direct and group grants on `obj`, in one query (guardian's
    checker asks two, each built through the ORM)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _grants_sql(type(obj)), (obj.pk, user.pk, obj.pk, user.pk, get_content_type(obj).pk)
        )
        return frozenset(codename for (codename,) in cursor.fetchall())


@functools.cache
def _grants_sql(model: type[Model]) -> str:
    table = connection.ops.quote_name
    user_grants = get_user_obj_perms_model(model)._meta
    group_grants = get_group_obj_perms_model(model)._meta
    memberships = get_user_model()._meta.get_field("groups").remote_field.through._meta
    return (
        f"SELECT perm.codename FROM {table(Permission._meta.db_table)} perm "
        f"WHERE perm.id IN (SELECT grant_.permission_id FROM {table(user_grants.db_table)} grant_ "
        "WHERE grant_.content_object_id = %s AND grant_.user_id = %s "
        f"UNION SELECT grant_.permission_id FROM {table(group_grants.db_table)} grant_ "
        f"INNER JOIN {table(memberships.db_table)} membership "
        "ON membership.group_id = grant_.group_id "
        "WHERE grant_.content_object_id = %s AND membership.user_id = %s) "
        "AND perm.content_type_id = %s"
    )


def objects_granted(user: User, perm: str, queryset):
    """The objects of `queryset` on which `user` holds `perm` by a direct or group grant."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return get_objects_for_user(
        user, perm, klass=queryset, accept_global_perms=False, with_superuser=False
    )


def grant_object_permission(perm: str, user: AbstractBaseUser, obj: Model) -> None:
    assign_perm(perm, user, obj)
    forget_cached_access(user)


def revoke_object_permission(perm: str, user: AbstractBaseUser, obj: Model) -> None:
    remove_perm(perm, user, obj)
    forget_cached_access(user)


def grant_object_permission_to_users(perm: str, users: list, obj: Model) -> None:
    """`grant_object_permission` for many users, in one insert."""
    assign_perm(perm, users, obj)
    for user in users:
        forget_cached_access(user)


def revoke_object_permission_from_users(perm: str, users: list, obj: Model) -> None:
    """`revoke_object_permission` for many users, in one delete."""
    remove_perm(perm, users, obj)
    for user in users:
        forget_cached_access(user)


def users_granted(perm: str, obj: Model) -> list:
    """Active users holding the object-level grant `perm` on `obj` directly (one query)."""
    codename = perm.split(".", 1)[-1]
    users = get_users_with_perms(obj, only_with_perms_in=[codename], with_group_users=False)
    return [user for user in users if user.is_active]


def direct_grants(perm: str, model: type[Model]) -> QuerySet:
    """The rows of `model`'s direct (not group) object grants of `perm`, to be narrowed to an
    object and read as values."""
    app_label, codename = perm.split(".", 1)
    return get_user_obj_perms_model(model).objects.filter(
        permission__codename=codename, permission__content_type__app_label=app_label
    )
