"""The visitor's IP address, as login throttling, mail limits and the audit log see it.

Behind a reverse proxy REMOTE_ADDR is the proxy's address. ``PORTAL_TRUSTED_PROXIES`` says how
many proxies in front of the portal append to X-Forwarded-For; the address that many hops from
the right is the client's. With 0 (the default) the header is ignored: a client could forge it.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", {})
    address = meta.get("REMOTE_ADDR", "")
    hops = settings.PORTAL_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def axes_client_ip(request) -> str:
    """AXES_CLIENT_IP_CALLABLE: the same address (axes wants a string)."""
    return client_ip(request) or ""
