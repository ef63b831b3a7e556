"""SMS as a pluggable channel: `settings.SMS_BACKEND` names a `SmsBackend` subclass (短信通道).

A real gateway (a province's government SMS platform, a cloud SMS service) is a subclass whose `send` raises
on failure; the notification deliveries record the error and retry with backoff.
"""

import logging
import threading
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("wenming.sms")


class SmsError(Exception):
    """The gateway refused or could not be reached."""


class SmsBackend(ABC):
    """Send one text message to one mobile number; raise (any exception) when it was not accepted."""

    @abstractmethod
    def send(self, phone: str, text: str) -> None: ...


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else "****"


class LogSmsBackend(SmsBackend):
    """The default: writes the message to the log instead of sending it (demo and intranet installs)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class LocmemSmsBackend(SmsBackend):
    """Keeps messages in memory (`LocmemSmsBackend.outbox`, a list of (phone, text)) — for tests and demos."""

    outbox: list[tuple[str, str]] = []
    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            type(self).outbox.append((phone, text))


def get_sms_backend() -> SmsBackend:
    """A fresh instance of the configured backend."""
    return import_string(settings.SMS_BACKEND)()
