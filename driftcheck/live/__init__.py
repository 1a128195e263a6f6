"""The live state: Datadog sites, credentials, the API client (the only importer of requests
for Datadog), response shapes, what a failed read means, and snapshots.

Public names are re-exported here and imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck import lazy_exports

if TYPE_CHECKING:
    from driftcheck.live.client import read_live, redact_headers
    from driftcheck.live.credentials import Credentials, credentials_from_env
    from driftcheck.live.payload import (
        PayloadError,
        connections_from_response,
        parse_json,
        validate_connections,
    )
    from driftcheck.live.sites import (
        DEFAULT_SITE,
        GOV_SITES,
        SITES,
        Target,
        resolve_target,
    )
    from driftcheck.live.snapshot import read_snapshot, render_snapshot, write_snapshot

_EXPORTS = {
    "Credentials": "credentials",
    "DEFAULT_SITE": "sites",
    "GOV_SITES": "sites",
    "PayloadError": "payload",
    "SITES": "sites",
    "Target": "sites",
    "connections_from_response": "payload",
    "credentials_from_env": "credentials",
    "parse_json": "payload",
    "read_live": "client",
    "read_snapshot": "snapshot",
    "redact_headers": "client",
    "render_snapshot": "snapshot",
    "resolve_target": "sites",
    "validate_connections": "payload",
    "write_snapshot": "snapshot",
}
__all__ = [
    "DEFAULT_SITE",
    "GOV_SITES",
    "SITES",
    "Credentials",
    "PayloadError",
    "Target",
    "connections_from_response",
    "credentials_from_env",
    "parse_json",
    "read_live",
    "read_snapshot",
    "redact_headers",
    "render_snapshot",
    "resolve_target",
    "validate_connections",
    "write_snapshot",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)
