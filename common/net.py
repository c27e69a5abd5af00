"""The client's address: one answer for rate limits, the audit log and django-axes.

Behind a reverse proxy every request comes from the proxy; each trusted proxy appends the address it saw to
``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``). With ``TRUSTED_PROXY_COUNT`` = N proxies in front
of the portal, the client is the N-th address from the right of ``X-Forwarded-For, REMOTE_ADDR``: whatever a
client wrote into the header itself stands further left and is ignored, so nobody can choose the address his
requests are counted under. With N = 0 (no proxy, the default) only ``REMOTE_ADDR`` counts.

django-ipware was weighed: its strict chain check answers "no address" for nginx's usual one-entry header when
given a proxy count, and falls back to the proxy's own address when a client adds entries — both put every
client behind one address. This rule is the whole of what the portal needs.
"""

import ipaddress

from django.conf import settings


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote]
    candidate = chain[-(hops + 1)] if len(chain) > hops else chain[0]
    return candidate if _is_ip(candidate) else remote
