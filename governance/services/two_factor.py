"""Two-factor sign-in: enrolling an authenticator app, recovery codes, and checking a code.

The session side (marking a session verified) belongs to the views; these functions only change
the devices and record what happened.
"""

import binascii
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device, VerifyNotAllowed
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import permissions
from governance.selectors import authenticator_of, recovery_codes_of
from governance.services.base import audit_record, require

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
TOTP_DIGITS = 6
# One step either side: a phone clock a little off still signs in.
TOTP_TOLERANCE = 1
WRONG_CODE = (
    "That code is not right. Enter the current code from your app, or an unused recovery code."
)


def normalized_code(code: str) -> str:
    """Codes as people type them: with spaces, hyphens or capitals."""
    return "".join(code.split()).replace("-", "").lower()


def is_totp_shaped(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


def issue_recovery_codes(user: AbstractBaseUser) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_enroll(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, key: str, code: str
) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app for `user` from a code it shows for `key` (hex), and issue
    fresh recovery codes. Returns the device and the codes, which are shown once."""
    require(
        permissions.can_change_two_factor(actor, user),
        "Only the account holder enrolls their own authenticator.",
    )
    if authenticator_of(user) is not None:
        # Otherwise a password alone could swap in the attacker's authenticator.
        raise ValidationError("This account already has an authenticator app.")
    try:
        totp = TOTP(binascii.unhexlify(key), digits=TOTP_DIGITS)
    except (binascii.Error, ValueError):
        raise ValidationError("The setup key is damaged; start the setup again.") from None
    code = normalized_code(code)
    totp.time = timezone.now().timestamp()
    if not is_totp_shaped(code) or not totp.verify(int(code), tolerance=TOTP_TOLERANCE):
        raise ValidationError({"code": "That code does not match. Enter the current code."})
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    # The code just shown is spent: it cannot also verify a sign-in.
    device = TOTPDevice.objects.create(
        user=user,
        name=AUTHENTICATOR_NAME,
        key=key,
        digits=TOTP_DIGITS,
        tolerance=TOTP_TOLERANCE,
        confirmed=True,
        last_t=totp.t(),
    )
    codes = issue_recovery_codes(user)
    audit_record(actor=actor, verb="two_factor.enrolled", target=user, data={})
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: AbstractBaseUser) -> list[str]:
    """New recovery codes for the actor's own account; the old ones stop working."""
    require(permissions.can_change_two_factor(actor, actor), "Sign in to do this.")
    if authenticator_of(actor) is None:
        raise ValidationError("Set up an authenticator app first.")
    codes = issue_recovery_codes(actor)
    audit_record(actor=actor, verb="two_factor.recovery_codes_regenerated", target=actor, data={})
    return codes


@transaction.atomic
def two_factor_reset(*, actor: AbstractBaseUser | None, device: Device) -> None:
    """Remove one of a user's devices (an operator's answer to a lost phone); without an
    authenticator the user sets one up again at their next sign-in."""
    require(permissions.can_reset_two_factor(actor), "Only operators reset two-factor sign-in.")
    user = device.user
    audit_record(
        actor=actor,
        verb="two_factor.reset",
        target=user,
        data={"device": device._meta.label_lower, "device_id": device.pk},
    )
    device.delete()


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    error: str = ""


def throttled_message(data: dict | None) -> str:
    if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        wait = max(1, int((data["locked_until"] - timezone.now()).total_seconds() + 0.999))
        return f"Too many wrong codes. Wait {wait} seconds, then try again."
    return "This code cannot be checked now. Try again later."


@transaction.atomic
def code_check(actor: AbstractBaseUser, code: str) -> CodeCheck:
    code = normalized_code(code)
    device: Device | None = (
        authenticator_of(actor) if is_totp_shaped(code) else recovery_codes_of(actor)
    )
    if device is None:
        return CodeCheck(None, WRONG_CODE)
    allowed, data = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(None, throttled_message(data))
    # A failure increments the device's throttle and is saved: this block then commits.
    if not device.verify_token(code):
        return CodeCheck(None, WRONG_CODE)
    if isinstance(device, StaticDevice):
        audit_record(
            actor=actor,
            verb="two_factor.recovery_code_used",
            target=actor,
            data={"left": device.token_set.count()},
        )
    return CodeCheck(device)


def two_factor_verify(*, actor: AbstractBaseUser, code: str) -> Device:
    """The actor's device that accepts `code`: their authenticator for a six-digit code, else
    their recovery codes (a recovery code is used up). Raises ValidationError with what to do
    otherwise; a wrong code still counts towards the throttle."""
    require(permissions.can_change_two_factor(actor, actor), "Sign in to do this.")
    check = code_check(actor, code)
    if check.device is None:
        raise ValidationError({"code": check.error})
    return check.device
