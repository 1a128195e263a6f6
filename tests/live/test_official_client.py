"""Keeping the fake honest: Datadog's official Python client, pointed at the fake, must build
models holding exactly what the fake served (and what driftcheck reads).

datadog-api-client warns on every call of an unstable operation; only that warning is
allowed, and only around the call.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.exceptions import ForbiddenException, NotFoundException
from datadog_api_client.v2.api.rum_audience_management_api import RumAudienceManagementApi
from datadog_api_client.v2.model.list_connections_response import ListConnectionsResponse
from fakes.datadog_api import (
    API_KEY,
    APP_KEY,
    FakeDatadog,
    rate_limited,
    sample_connection,
)

from driftcheck.live.client import Credentials, read_live, resolve_target

CONNECTIONS = [
    sample_connection(),
    sample_connection(
        "crm-integration",
        type="salesforce",
        join={"attribute": "user_id", "type": "user_id"},
        created_at="0001-01-01T00:00:00Z",
        updated_at="2026-11-20T10:02:11.123Z",
        future_attribute={"nested": [1, "two"]},
    ),
    {"id": "bare-minimum"},
]


@pytest.fixture
def fake(fake_datadog: FakeDatadog) -> FakeDatadog:
    fake_datadog.set_connections("users", CONNECTIONS)
    return fake_datadog


@pytest.fixture
def api(fake: FakeDatadog) -> Iterator[RumAudienceManagementApi]:
    config = Configuration(host=fake.url)
    config.api_key["apiKeyAuth"] = API_KEY
    config.api_key["appKeyAuth"] = APP_KEY
    # 2.62.0's __setitem__ sets "v2.list_connections" and then raises KeyError for that
    # spelling; the bare name enables the same flag without the error.
    config.unstable_operations["list_connections"] = True
    assert config.unstable_operations["v2.list_connections"] is True
    config.enable_retry = True  # its own retry logic must accept the fake's 429s
    with ApiClient(config) as client:
        yield RumAudienceManagementApi(client)


def list_connections(api: RumAudienceManagementApi, entity: str) -> ListConnectionsResponse:
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Using unstable operation 'list_connections'", category=UserWarning
        )
        return api.list_connections(entity)


def normalized(value: Any) -> Any:
    """Datetimes compared as instants: the client writes '+00:00' where the fake wrote 'Z'."""
    if isinstance(value, dict):
        return {
            k: (_instant(v) if k in ("created_at", "updated_at") else normalized(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def _instant(value: Any) -> Any:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def test_the_official_models_hold_exactly_what_the_fake_served(
    fake: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    model = list_connections(api, "users")
    assert normalized(model.to_dict()) == normalized(fake.response_body("users"))
    assert not model.data._unparsed  # the fake's enum values are the documented ones
    for connection in model.data.attributes.connections:
        assert not connection._unparsed
        for field in getattr(connection, "fields", []):
            assert not field._unparsed


def test_the_official_client_and_driftcheck_read_the_same(
    fake: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    official = list_connections(api, "users").to_dict()["data"]["attributes"]["connections"]
    ours = read_live(
        ["users"],
        target=resolve_target(site=None, api_url=fake.url),
        credentials=Credentials(API_KEY, APP_KEY),
        timeout=10,
    )
    assert normalized(official) == normalized(list(ours.entities["users"].connections or ()))


def test_the_official_client_sends_what_the_fake_checks(
    fake: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    list_connections(api, "users")
    [request] = fake.requests
    assert request.path == "/api/v2/product-analytics/users/mapping/connections"
    assert request.headers["dd-api-key"] == API_KEY
    assert request.headers["dd-application-key"] == APP_KEY


def test_the_official_client_retries_the_fakes_rate_limit(
    fake: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    fake.fail("users", rate_limited(reset="0"))  # "0": the client's first retry is immediate
    model = list_connections(api, "users")
    assert len(model.data.attributes.connections) == 3
    assert len(fake.requests) == 2


def test_the_official_client_understands_the_fakes_errors(
    fake: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    with pytest.raises(NotFoundException) as missing:
        list_connections(api, "nosuch")
    assert missing.value.status == 404
    api.api_client.configuration.api_key["apiKeyAuth"] = "wrong-key-0123456789"
    with pytest.raises(ForbiddenException) as forbidden:
        list_connections(api, "users")
    assert forbidden.value.body == {"errors": ["Forbidden"]}
