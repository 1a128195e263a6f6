"""The Datadog keys: read from the environment, checked, and never shown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from driftcheck.errors import LiveReadError
from driftcheck.redact import MASK

_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")  # visible ASCII: anything else breaks the header


@dataclass(frozen=True, repr=False)
class Credentials:
    """The API and application keys. Their repr never shows them."""

    api_key: str
    app_key: str

    def __repr__(self) -> str:
        return f"Credentials(api_key='{MASK}', app_key='{MASK}')"

    @property
    def secrets(self) -> tuple[str, str]:
        return (self.api_key, self.app_key)


def credentials_from_env(env: Mapping[str, str]) -> Credentials:
    """Keys from ``DD_API_KEY`` and ``DD_APP_KEY`` (or ``DD_APPLICATION_KEY``).

    Raises :class:`LiveReadError` naming the variables to set when one is missing or blank.
    """
    api_key = env.get("DD_API_KEY", "").strip()
    app_name = "DD_APP_KEY" if env.get("DD_APP_KEY", "").strip() else "DD_APPLICATION_KEY"
    app_key = env.get(app_name, "").strip()
    missing = [
        name
        for name, value in (
            ("DD_API_KEY", api_key),
            ("DD_APP_KEY (or DD_APPLICATION_KEY)", app_key),
        )
        if not value
    ]
    if missing:
        raise LiveReadError(
            f"missing Datadog credentials: set {' and '.join(missing)} in the environment "
            "(an API key and an application key with access to Product Analytics)"
        )
    for name, value in (("DD_API_KEY", api_key), (app_name, app_key)):
        if not _HEADER_SAFE.fullmatch(value):
            raise LiveReadError(
                f"{name} contains spaces, control or non-ASCII characters and "
                "cannot be sent; copy the key again"
            )
    return Credentials(api_key=api_key, app_key=app_key)
