"""Keys from the environment: which variables, what a missing one says, never shown."""

from __future__ import annotations

import pytest

from driftcheck.errors import LiveReadError
from driftcheck.live.client import Credentials, credentials_from_env

API = "0123456789abcdef0123456789abcdef"
APP = "fedcba9876543210fedcba9876543210fedcba98"


def test_keys_come_from_dd_api_key_and_dd_app_key() -> None:
    creds = credentials_from_env({"DD_API_KEY": API, "DD_APP_KEY": APP})
    assert (creds.api_key, creds.app_key) == (API, APP)


def test_dd_application_key_is_accepted_too() -> None:
    creds = credentials_from_env({"DD_API_KEY": API, "DD_APPLICATION_KEY": APP})
    assert creds.app_key == APP


def test_dd_app_key_wins_over_dd_application_key() -> None:
    creds = credentials_from_env(
        {"DD_API_KEY": API, "DD_APP_KEY": APP, "DD_APPLICATION_KEY": "other-application-key"}
    )
    assert creds.app_key == APP


def test_surrounding_whitespace_from_secret_files_is_dropped() -> None:
    creds = credentials_from_env({"DD_API_KEY": f" {API}\n", "DD_APP_KEY": f"{APP}\r\n"})
    assert (creds.api_key, creds.app_key) == (API, APP)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, ["DD_API_KEY and DD_APP_KEY (or DD_APPLICATION_KEY)"]),
        ({"DD_APP_KEY": APP}, ["set DD_API_KEY in"]),
        ({"DD_API_KEY": API}, ["set DD_APP_KEY (or DD_APPLICATION_KEY) in"]),
        ({"DD_API_KEY": "  ", "DD_APP_KEY": APP}, ["set DD_API_KEY in"]),
        ({"DD_API_KEY": API, "DD_APP_KEY": "", "DD_APPLICATION_KEY": ""}, ["DD_APP_KEY"]),
    ],
)
def test_missing_keys_name_the_variables_to_set(env: dict[str, str], named: list[str]) -> None:
    with pytest.raises(LiveReadError) as caught:
        credentials_from_env(env)
    assert caught.value.exit_code == 4
    for text in named:
        assert text in str(caught.value)
    for value in env.values():
        if value.strip():
            assert value not in str(caught.value)


@pytest.mark.parametrize(
    "bad", [f"{API[:10]} {API[10:]}", f"{API}\x00", f"{API}é", f"{API[:5]}\n{API[5:]}"]
)
def test_keys_that_cannot_be_sent_are_refused_without_showing_them(bad: str) -> None:
    with pytest.raises(LiveReadError) as caught:
        credentials_from_env({"DD_API_KEY": bad, "DD_APP_KEY": APP})
    message = str(caught.value)
    assert "DD_API_KEY" in message
    assert API[:10] not in message
    assert APP not in message


def test_repr_and_str_never_show_the_keys() -> None:
    creds = Credentials(api_key=API, app_key=APP)
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert API not in text
        assert APP not in text
        assert "***" in text
