"""Where requests go: every Datadog site, its spellings, and the --api-url override."""

from __future__ import annotations

import pytest

from driftcheck.errors import UsageError
from driftcheck.live.client import Target, resolve_target
from driftcheck.live.sites import SITES

API_HOSTS = {
    "datadoghq.com": "https://api.datadoghq.com",
    "us3.datadoghq.com": "https://api.us3.datadoghq.com",
    "us5.datadoghq.com": "https://api.us5.datadoghq.com",
    "ap1.datadoghq.com": "https://api.ap1.datadoghq.com",
    "ap2.datadoghq.com": "https://api.ap2.datadoghq.com",
    "datadoghq.eu": "https://api.datadoghq.eu",
    "uk1.datadoghq.com": "https://api.uk1.datadoghq.com",
    "ddog-gov.com": "https://api.ddog-gov.com",
    "us2.ddog-gov.com": "https://api.us2.ddog-gov.com",
}


def test_the_nine_sites_are_known() -> None:
    assert set(SITES) == set(API_HOSTS)


@pytest.mark.parametrize(("site", "base"), sorted(API_HOSTS.items()))
def test_each_site_is_served_at_its_api_host(site: str, base: str) -> None:
    assert resolve_target(site=site, api_url=None) == Target(base_url=base, site=site)


def test_default_site_is_datadoghq_com() -> None:
    assert resolve_target(site=None, api_url=None) == Target(
        "https://api.datadoghq.com", "datadoghq.com"
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "app.datadoghq.eu",
        "api.datadoghq.eu",
        "DATADOGHQ.EU",
        "App.DatadogHQ.eu",
        "https://app.datadoghq.eu",
        "https://app.datadoghq.eu/",
        "datadoghq.eu/",
        " datadoghq.eu ",
        "HTTPS://API.DATADOGHQ.EU/",
    ],
)
def test_site_spellings_users_paste_are_accepted(spelling: str) -> None:
    assert resolve_target(site=spelling, api_url=None) == Target(
        "https://api.datadoghq.eu", "datadoghq.eu"
    )


@pytest.mark.parametrize(
    "site", ["app.us3.datadoghq.com", "api.us2.ddog-gov.com", "app.ddog-gov.com"]
)
def test_app_and_api_hosts_of_regional_sites(site: str) -> None:
    expected = site.split(".", 1)[1]
    assert resolve_target(site=site, api_url=None).site == expected


@pytest.mark.parametrize(
    "site",
    [
        "datadoghq.co",
        "us4.datadoghq.com",
        "",
        "evil.example.com",
        "app.app.datadoghq.com",
        "datadoghq.com.evil.net",
        "http://datadoghq.com",
    ],
)
def test_unknown_site_is_a_usage_error_listing_the_valid_sites(site: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_target(site=site, api_url=None)
    message = str(caught.value)
    assert "unknown Datadog site" in message
    for valid in SITES:
        assert valid in message
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://proxy.example.com", "https://proxy.example.com"),
        ("https://proxy.example.com/", "https://proxy.example.com"),
        ("https://proxy.example.com:8443/datadog/", "https://proxy.example.com:8443/datadog"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.5.6.7:1/", "http://127.5.6.7:1"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_api_url_overrides_the_site(url: str, base: str) -> None:
    target = resolve_target(site="datadoghq.eu", api_url=url)
    assert target == Target(base_url=base, site=base.split("://", 1)[1])


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://api.datadoghq.eu", "datadoghq.eu"),
        ("https://API.us3.datadoghq.com/", "us3.datadoghq.com"),
        ("https://api.ddog-gov.com", "ddog-gov.com"),
        ("https://api.datadoghq.eu:8443", "api.datadoghq.eu:8443"),
        ("https://api.datadoghq.eu/proxy", "api.datadoghq.eu/proxy"),
        ("https://datadoghq.eu.example.com", "datadoghq.eu.example.com"),
    ],
)
def test_the_site_label_of_an_api_url_never_repeats_the_url(url: str, label: str) -> None:
    """A known site's API is labelled as that site; any other URL by its host and path."""
    assert resolve_target(site=None, api_url=url).site == label


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8:8080",
        "http://proxy.example.com",
        "http://192.168.1.2",
        "http://[::2]:80",
        "http://localhost.example.com",
        "http://0.0.0.0:80",
    ],
)
def test_plain_http_beyond_loopback_is_refused(url: str) -> None:
    with pytest.raises(UsageError, match=r"only to a loopback address"):
        resolve_target(site=None, api_url=url)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://example.com", "must be an https:// URL"),
        ("proxy.example.com", "must be an https:// URL"),
        ("https://", "must be an https:// URL"),
        ("https://user:secret@proxy.example.com", "user name or password"),
        ("https://proxy.example.com/?x=1", "query or fragment"),
        ("https://proxy.example.com:99999", "not a valid URL"),
    ],
)
def test_malformed_api_url_is_a_usage_error(url: str, needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        resolve_target(site=None, api_url=url)


def test_api_url_password_is_not_repeated_in_the_error() -> None:
    with pytest.raises(UsageError) as caught:
        resolve_target(site=None, api_url="https://user:hunter2pw@proxy.example.com")
    assert "hunter2pw" not in str(caught.value)
