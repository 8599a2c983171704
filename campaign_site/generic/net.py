"""The client's address, behind a reverse proxy or not.

`X-Forwarded-For` is believed only when the connecting address (REMOTE_ADDR) is one of the
proxies listed in the `TRUSTED_PROXIES` setting (addresses or networks, e.g. "10.0.0.5",
"172.16.0.0/12"). The client is then the right-most address in the header that is not itself a
trusted proxy, so a client cannot choose its own address by sending the header. Without trusted
proxies (the default) REMOTE_ADDR is the client. Rate limits (public tips), the login lock-out and
the audit log all use this function.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in net for net in networks)


def client_ip(request) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return str(remote) if remote is not None else None
    forwarded = [_parse(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address is None:
            break  # a malformed entry: stop believing the header here
        if not _trusted(address, networks):
            return str(address)
    return str(remote)


def ratelimit_ip(request) -> str:
    """For django-ratelimit's RATELIMIT_IP_META_KEY and django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_ip(request) or "0.0.0.0"
