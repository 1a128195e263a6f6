"""HTTP rules shared by every client (the Datadog API, GitHub): what counts as loopback, the
one place where plain http is allowed and proxies from the environment are bypassed."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1).

    ``localhost.`` (with the root dot) is not: it is an absolute DNS name, which a resolver
    may answer with any address, so plain http (and the keys) could leave the machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
