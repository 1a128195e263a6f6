"""Where the Datadog API lives: the known sites, and the --api-url override for proxies and tests.

A :class:`Target` is the base URL requests go to and the label reports show for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from driftcheck.errors import UsageError
from driftcheck.http import is_loopback
from driftcheck.wording import did_you_mean

DEFAULT_SITE = "datadoghq.com"

#: Every Datadog site; each serves its API at ``https://api.<site>``.
SITES = (
    "datadoghq.com",
    "us3.datadoghq.com",
    "us5.datadoghq.com",
    "ap1.datadoghq.com",
    "ap2.datadoghq.com",
    "datadoghq.eu",
    "uk1.datadoghq.com",
    "ddog-gov.com",
    "us2.ddog-gov.com",
)

#: Government sites, where Datadog does not offer Product Analytics.
GOV_SITES = ("ddog-gov.com", "us2.ddog-gov.com")


@dataclass(frozen=True)
class Target:
    """The API base URL (no trailing slash) and the site label shown in reports."""

    base_url: str
    site: str

    @property
    def is_gov(self) -> bool:
        return self.site in GOV_SITES


def resolve_target(*, site: str | None, api_url: str | None) -> Target:
    """The target of a run: ``api_url`` if given, else ``site`` (default datadoghq.com).

    Raises :class:`UsageError` for an unknown site or an unsafe or malformed URL.
    """
    if api_url is not None:
        return _from_api_url(api_url)
    name = DEFAULT_SITE if site is None else _site_name(site)
    return Target(base_url=f"https://api.{name}", site=name)


def _site_name(raw: str) -> str:
    """The canonical site for ``raw``: case-insensitive, with or without https://, app. or api."""
    text = raw.strip().lower()
    text = text.removeprefix("https://").rstrip("/")
    for prefix in ("app.", "api."):
        if text.removeprefix(prefix) in SITES:
            return text.removeprefix(prefix)
    valid = ", ".join(SITES)
    hint = did_you_mean(text.removeprefix("app.").removeprefix("api."), SITES)
    raise UsageError(
        f"unknown Datadog site {raw!r}{hint}; valid sites: {valid} "
        "(also written as the app. or api. host, e.g. app.datadoghq.eu)"
    )


def _from_api_url(raw: str) -> Target:
    url = raw.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a bad port
    except ValueError as exc:
        raise UsageError(f"--api-url {raw!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("https", "http") or not host:
        raise UsageError(
            f"--api-url {raw!r} must be an https:// URL with a host "
            "(http:// only to a loopback address)"
        )
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "--api-url must not contain a user name or password; "
            "driftcheck sends the keys from DD_API_KEY and DD_APP_KEY"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"--api-url {raw!r} must not have a query or fragment")
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            f"--api-url {raw!r}: plain http:// is allowed only to a loopback address "
            "(127.0.0.1, ::1, localhost) so that the keys never cross a network "
            "in clear text; use https://"
        )
    base = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    return Target(base_url=base, site=_label(host, parts.netloc, parts.path))


def _label(host: str, netloc: str, path: str) -> str:
    """The site label of an --api-url: the Datadog site whose API it is
    (``https://api.datadoghq.eu`` is ``datadoghq.eu``), else the URL without its scheme
    (``proxy.example.com:8443/datadog``), so that "site X (URL)" never says the URL twice."""
    name = host.lower()
    own_host = netloc.lower() == name and path.strip("/") == ""  # no port, no path
    for prefix in ("api.", "app.", ""):
        if own_host and name.startswith(prefix) and name[len(prefix) :] in SITES:
            return name[len(prefix) :]
    return f"{netloc.lower()}{path}".rstrip("/")
