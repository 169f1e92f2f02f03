"""Outgoing webhooks, signed in the style of the Standard Webhooks specification
(https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` and
`webhook-signature`, the signature being `v1,` and the base64 HMAC-SHA256 of
`<id>.<timestamp>.<body>` under the endpoint's secret (`whsec_` and base64 bytes).

The id is the same on every attempt at one delivery, so a receiver drops a repeat; every call has
a timeout, and the secret never appears in an error message.
"""

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

import requests

DEFAULT_TIMEOUT = 15.0
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
DEFAULT_RATE_LIMIT_WAIT = 60.0


class WebhookError(Exception):
    retry = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WebhookRejected(WebhookError):
    """The endpoint refused the delivery itself (4xx): trying again sends the same refusal."""


class WebhookUnavailable(WebhookError):
    """Down, slow, or rate-limiting (5xx, 408, 429, a timeout): a later attempt may succeed."""

    retry = True


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def chat_body(text: str) -> bytes:
    """A chat message as Slack's incoming webhooks take it; Zulip (its `slack_incoming`
    integration) and Discord (a webhook URL ending in `/slack`) take the same."""
    return json.dumps({"text": text}).encode()


def event_body(*, message_id: str, event_type: str, timestamp: int, data: dict) -> bytes:
    return json.dumps(
        {"id": message_id, "type": event_type, "timestamp": timestamp, "data": data},
        sort_keys=True,
    ).encode()


@dataclass(frozen=True)
class Sent:
    status: int


def deliver(
    *,
    url: str,
    secret: str,
    message_id: str,
    timestamp: int,
    body: bytes,
    timeout: float = DEFAULT_TIMEOUT,
) -> Sent:
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        raise WebhookUnavailable("The endpoint did not answer in time.") from None
    except requests.RequestException as error:
        raise WebhookUnavailable(
            f"The endpoint could not be reached ({type(error).__name__})."
        ) from None
    status = response.status_code
    if status == 429:
        header = response.headers.get("Retry-After", "")
        wait = float(header) if header.strip().isdigit() else DEFAULT_RATE_LIMIT_WAIT
        raise WebhookUnavailable(
            "The endpoint is rate-limiting deliveries (429).", retry_after=wait
        )
    if status >= 500 or status == 408:
        raise WebhookUnavailable(f"The endpoint answered {status}.")
    if status >= 300:
        raise WebhookRejected(f"The endpoint answered {status}.")
    return Sent(status=status)
