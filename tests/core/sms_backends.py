"""SMS gateways for tests: stand-ins for the external service behind `SmsBackend`, not for our code."""

from wenming.core.sms import SmsBackend, SmsError


class FlakySmsBackend(SmsBackend):
    """Refuses the first `failures` messages (a gateway timing out), then accepts and records them."""

    failures = 1
    calls = 0
    sent: list[tuple[str, str]] = []

    @classmethod
    def reset(cls, failures: int) -> None:
        cls.failures, cls.calls, cls.sent = failures, 0, []

    def send(self, phone: str, text: str) -> None:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise SmsError("短信网关超时")
        type(self).sent.append((phone, text))
