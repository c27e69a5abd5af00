"""A tiny SMS adapter: ``settings.SMS_BACKEND`` names the backend (a dotted path).

- ``campaign.sms.ConsoleBackend`` (default): logs the message; nothing leaves the machine.
- ``campaign.sms.LocmemBackend``: keeps messages in ``campaign.sms.outbox`` (tests).
- ``campaign.sms.HttpGatewayBackend``: POSTs JSON to ``settings.SMS_GATEWAY_URL`` with
  ``Authorization: Bearer <SMS_GATEWAY_TOKEN>``, over https only (http only with
  ``SMS_GATEWAY_INTRANET_HTTP``, a gateway on the deployment's own intranet); a deployment configures its
  gateway, nothing is coded per gateway.

The gateway contract: ``{"mobile": "139…", "text": "…"}``; any 2xx is success; 5xx, 429, timeouts and
connection failures are transient (``TransientSMSError``: retried); other 4xx are permanent (``SMSError``).
"""

import json
import logging
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The gateway refused the message: retrying will not help."""


class TransientSMSError(SMSError):
    """The gateway could not be reached or was busy: retry later."""


@dataclass(frozen=True)
class SMS:
    mobile: str
    text: str


# LocmemBackend's store, like django.core.mail.outbox.
outbox: list[SMS] = []


class BaseBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {mobile}] {text}\n")
        sys.stdout.flush()
        logger.info("SMS to %s (console backend): %s", mobile, text)


class LocmemBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        outbox.append(SMS(mobile, text))


class HttpGatewayBackend(BaseBackend):
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        # Mobile numbers and message texts are personal data: only TLS, unless the deployment says the
        # gateway sits on its own intranet (SMS_GATEWAY_INTRANET_HTTP).
        schemes = ("https://", "http://") if settings.SMS_GATEWAY_INTRANET_HTTP else ("https://",)
        if not self.url.startswith(schemes):
            raise SMSError(f"SMS_GATEWAY_URL must start with {' or '.join(schemes)}")

    def send(self, mobile: str, text: str) -> None:
        body = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310  (scheme checked above)
        request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  (scheme checked)
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise TransientSMSError(f"gateway answered {exc.code}") from exc
            raise SMSError(f"gateway refused the message: {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientSMSError(f"gateway unreachable: {exc}") from exc


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(mobile: str, text: str) -> None:
    get_backend().send(mobile, text)
