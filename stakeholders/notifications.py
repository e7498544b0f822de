"""The notification channels: in-app (always), e-mail through Django's e-mail backend, and SMS
through a small backend interface (a console and a file backend here; a real gateway plugs in by
setting SMS_BACKEND).

Every app notifies through stakeholders.services.notify / notify_each; they decide per user which
channels a notice goes to (defaults below, overridden by the user's NotificationPreference) and
write the e-mails and SMS as Delivery rows in the caller's transaction. services.deliveries_send
sends them after the commit, claiming each row once (pending → sending → sent), so a re-run or
re-delivered task sends nothing twice. A message whose sender died mid-call stays `sending` and is
marked `unknown` by the sweep, never retried: sending it twice is worse than an operator's look.
"""

from __future__ import annotations

import fcntl
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Notification

K = Notification.Kind
EMAIL, SMS = Delivery.Channel.EMAIL, Delivery.Channel.SMS

# What goes out by e-mail and SMS unless the user says otherwise. SMS costs money and interrupts,
# so it is on by default only for what needs the person (sign, vote, answer, rate).
DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    K.SPONSOR_INVITED: frozenset({EMAIL, SMS}),
    K.VOTE_OPENED: frozenset({EMAIL, SMS}),
    K.PLAN_VOTE_OPENED: frozenset({EMAIL, SMS}),
    K.VOTE_CLOSED: frozenset({EMAIL}),
    K.PETITION_DECIDED: frozenset({EMAIL, SMS}),
    K.OWNERSHIP_REVIEWED: frozenset({EMAIL, SMS}),
    K.COUNCIL_MEETING: frozenset({SMS}),
    K.COUNCIL_FILED: frozenset({SMS}),
    K.COUNCIL_RETURNED: frozenset({EMAIL}),
    K.PARTY_DECIDED: frozenset({SMS}),
    K.INSPECTION_POSTED: frozenset({EMAIL, SMS}),
    K.INSPECTION_ANSWERED: frozenset({EMAIL}),
    K.INSPECTION_OVERDUE: frozenset({EMAIL}),
    K.PLAN_ANSWERED: frozenset({EMAIL}),
    K.OBJECTION_FILED: frozenset({EMAIL}),
    K.OBJECTION_ANSWERED: frozenset({EMAIL, SMS}),
    K.HEARING_CALLED: frozenset({SMS}),
    K.PROXY_RECORDED: frozenset({SMS}),
    K.BALLOT_BY_PROXY: frozenset({SMS}),
    K.NEED_TRIAGED: frozenset({EMAIL}),
    K.PLAN_PUBLISHED: frozenset({EMAIL}),
    K.COMPLAINT_FILED: frozenset({EMAIL}),
    K.COMPLAINT_UPDATED: frozenset({EMAIL, SMS}),
    K.COMPLAINT_REPLY: frozenset({EMAIL}),
    K.COMPLAINT_ESCALATED: frozenset({EMAIL}),
    K.SURVEY_INVITED: frozenset({EMAIL, SMS}),
    K.SURVEY_REMINDER: frozenset({EMAIL, SMS}),
    K.WILLINGNESS_INVITED: frozenset({EMAIL, SMS}),
    K.COMPLETION_FILED: frozenset({EMAIL, SMS}),
    K.ACCEPTANCE_REFUSED: frozenset({EMAIL, SMS}),
    K.DEFECT_OVERDUE: frozenset({EMAIL}),
    K.VOLUNTEER_CONFIRMED: frozenset(),
    K.VOLUNTEER_DECLINED: frozenset(),
    K.MANAGER_TERM_ENDING: frozenset({EMAIL}),
    K.INTEGRITY_FILED: frozenset({EMAIL}),
    K.INTEGRITY_ANSWERED: frozenset({SMS}),
    K.INTEGRITY_OVERDUE: frozenset({EMAIL}),
    K.FLAGGED_AWARD_ASKED: frozenset({EMAIL}),
    K.FLAGGED_AWARD_DECIDED: frozenset({EMAIL}),
    K.APPROVAL_OPENED: frozenset({EMAIL}),
    K.APPROVAL_DECIDED: frozenset({EMAIL}),
    K.APPROVAL_OVERDUE: frozenset({EMAIL}),
    K.UTILITY_SHARE_ASKED: frozenset({EMAIL}),
    K.UTILITY_SHARE_DECIDED: frozenset({EMAIL}),
    K.PLAN_YEAR_DECIDED: frozenset({EMAIL}),
    K.EVALUATION_ENGAGED: frozenset({EMAIL}),
}
CHANNELS = (EMAIL, SMS)


def wanted_channels(kind: str, preference) -> set[str]:
    """The external channels a user wants for `kind`: the default, with their own switches."""
    chosen = set(DEFAULT_CHANNELS.get(kind, frozenset()))
    if preference is not None:
        chosen |= {c for c in CHANNELS if f"{c}:{kind}" in preference.enabled}
        chosen -= {c for c in CHANNELS if f"{c}:{kind}" in preference.disabled}
    return chosen


def preference_pairs(kinds_on: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """The (enabled, disabled) lists to store for a user's chosen channels per kind."""
    enabled, disabled = [], []
    for kind in K.values:
        default = DEFAULT_CHANNELS.get(kind, frozenset())
        chosen = kinds_on.get(kind, set())
        enabled += [f"{c}:{kind}" for c in CHANNELS if c in chosen and c not in default]
        disabled += [f"{c}:{kind}" for c in CHANNELS if c not in chosen and c in default]
    return enabled, disabled


@dataclass
class Notice:
    """One notice for one user. `external_url` is what an e-mail or SMS links to (it may carry a
    sign-in-free token); `url` is the in-app link. The same non-empty `key` is never sent twice."""

    user_id: int
    kind: str
    params: dict = field(default_factory=dict)
    url: str = ""
    external_url: str = ""
    key: str = ""


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) or not url else settings.PORTAL_BASE_URL.rstrip("/") + url


def message_text(kind: str, params: dict, link: str) -> str:
    """The text of an e-mail or SMS, in the portal's language (the reader's own is not known
    outside a request)."""
    text = Notification(kind=kind, params=params).text
    return (
        f"【{settings.SMS_SIGNATURE}】{text} {absolute(link)}".strip()
        if link
        else f"【{settings.SMS_SIGNATURE}】{text}"
    )


# --- SMS backends ------------------------------------------------------------------------------------


class SmsBackend:
    """What a gateway adapter implements. `key` is unique per message: gateways that accept an
    idempotency / serial number (most do) should pass it on."""

    def send(self, *, to: str, text: str, key: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Development: print the message (like Django's console e-mail backend)."""

    def send(self, *, to: str, text: str, key: str) -> None:
        sys.stdout.write(f"SMS to {to} [{key}]: {text}\n")
        sys.stdout.flush()


class FileSmsBackend(SmsBackend):
    """One JSON line per message appended to SMS_FILE_PATH (locked, so several workers may share
    it): a record an operator or a test can read back."""

    def send(self, *, to: str, text: str, key: str) -> None:
        line = json.dumps({"key": key, "to": to, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False)
        path = Path(str(settings.SMS_FILE_PATH))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line + "\n")


class LocmemSmsBackend(SmsBackend):
    """Tests in one process: messages collect in `outbox`."""

    outbox: list[dict] = []

    def send(self, *, to: str, text: str, key: str) -> None:
        LocmemSmsBackend.outbox.append({"to": to, "text": text, "key": key})


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_one(delivery: Delivery) -> None:
    """Hand one message to its channel (raises whatever the channel raises)."""
    if delivery.channel == SMS:
        sms_backend().send(to=delivery.address, text=delivery.body, key=delivery.key)
    else:
        message = EmailMessage(
            subject=delivery.subject or str(_("Renovation portal")),
            body=delivery.body,
            to=[delivery.address],
            headers={"X-Portal-Message-Key": delivery.key},
        )
        message.send(fail_silently=False)
