"""Keeping the fake's write side honest: Datadog's official Python client creates, updates
and deletes against the fake, which must accept exactly what the client sends and refuse
what the API would; and every body driftcheck sends must deserialize into the official
request models without losing anything."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.model_utils import validate_and_convert_types
from datadog_api_client.v2.api.rum_audience_management_api import RumAudienceManagementApi
from datadog_api_client.v2.model.create_connection_request import CreateConnectionRequest
from datadog_api_client.v2.model.update_connection_request import UpdateConnectionRequest
from fakes.datadog_api import API_KEY, APP_KEY, FakeDatadog, sample_connection
from helpers import run_cli

T = TypeVar("T")
PAYLOADS = Path(__file__).resolve().parents[1] / "fakes" / "payloads"  # the OpenAPI examples
WRITES = ("create_connection", "update_connection", "delete_connection")


@pytest.fixture
def api(fake_datadog: FakeDatadog) -> Iterator[RumAudienceManagementApi]:
    fake_datadog.set_connections("users", [sample_connection()])
    config = Configuration(host=fake_datadog.url)
    config.api_key["apiKeyAuth"] = API_KEY
    config.api_key["appKeyAuth"] = APP_KEY
    for name in WRITES:
        config.unstable_operations[name] = True
    with ApiClient(config) as client:
        yield RumAudienceManagementApi(client)


def quietly(call: Callable[[], T]) -> T:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using unstable operation", category=UserWarning)
        return call()


def model(cls: type[T], body: Any) -> T:
    """``body`` deserialized into the official model ``cls``, as the client itself would."""
    config = Configuration()
    return validate_and_convert_types(  # type: ignore[no-any-return]
        body, (cls,), ["body"], True, True, configuration=config
    )


CREATE = {
    "data": {
        "type": "connection_id",
        "id": "crm-integration",
        "attributes": {
            "type": "ref_table",
            "join_attribute": "user_email",
            "join_type": "email",
            "fields": [{"id": "ltv", "source_name": "ltv", "type": "number", "groups": ["M"]}],
            "metadata": {"owner": "sales"},
        },
    }
}


def test_the_official_client_creates_updates_and_deletes_on_the_fake(
    fake_datadog: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    quietly(lambda: api.create_connection("users", model(CreateConnectionRequest, CREATE)))
    created = fake_datadog.connection("users", "crm-integration")
    assert created is not None and created["join"] == {"attribute": "user_email", "type": "email"}
    assert created["metadata"] == {"owner": "sales"} and created["updated_at"]
    update = json.loads((PAYLOADS / "UpdateConnectionRequest.json").read_text("utf-8"))
    update["data"]["attributes"].pop("fields_to_delete")  # the example deletes a field it lacks
    update["data"]["attributes"]["fields_to_update"][0]["field_id"] = "ltv"
    update["data"]["attributes"]["fields_to_add"][0]["id"] = "nps"
    before = created["updated_at"]
    quietly(lambda: api.update_connection("users", model(UpdateConnectionRequest, update)))
    updated = fake_datadog.connection("users", "crm-integration")
    assert updated is not None and [f["id"] for f in updated["fields"]] == ["ltv", "nps"]
    assert updated["fields"][0]["groups"] == ["Financial", "Metrics"]
    assert updated["updated_at"] > before
    quietly(lambda: api.delete_connection("crm-integration", "users"))
    assert fake_datadog.connection("users", "crm-integration") is None
    methods = [(r.method, r.headers.get("content-type")) for r in fake_datadog.writes]
    assert methods == [("POST", "application/json"), ("PUT", "application/json"), ("DELETE", None)]


def test_the_openapi_create_example_is_accepted(
    fake_datadog: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    example = json.loads((PAYLOADS / "CreateConnectionRequest.json").read_text("utf-8"))
    quietly(lambda: api.create_connection("users", model(CreateConnectionRequest, example)))
    assert fake_datadog.connection("users", "crm-integration") is not None


def test_the_fake_refuses_what_the_api_refuses(
    fake_datadog: FakeDatadog, api: RumAudienceManagementApi
) -> None:
    existing = {
        "data": {
            "type": "connection_id",
            "id": "user-profiles-connection",
            "attributes": {
                "fields_to_add": [{"id": "customer_tier", "source_name": "x", "type": "string"}]
            },
        }
    }
    with pytest.raises(ApiException) as added_twice:
        quietly(lambda: api.update_connection("users", model(UpdateConnectionRequest, existing)))
    assert added_twice.value.status == 400
    existing["data"]["id"] = "nosuch"
    with pytest.raises(NotFoundException):
        quietly(lambda: api.update_connection("users", model(UpdateConnectionRequest, existing)))
    with pytest.raises(NotFoundException):
        quietly(lambda: api.delete_connection("nosuch", "users"))
    with pytest.raises(ApiException) as duplicate:
        quietly(
            lambda: api.create_connection(
                "users",
                model(
                    CreateConnectionRequest,
                    {**CREATE, "data": {**CREATE["data"], "id": "user-profiles-connection"}},
                ),
            )
        )
    assert duplicate.value.status == 409


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"type": "connections", "id": "x", "attributes": {}}},
        {"data": {"id": "x"}},
        {"type": "connection_id"},
    ],
)
def test_the_fake_refuses_bodies_outside_the_schema(fake_datadog: FakeDatadog, body: Any) -> None:
    import requests

    fake_datadog.set_connections("users", [sample_connection("x")])
    response = requests.put(
        f"{fake_datadog.url}/api/v2/product-analytics/users/mapping/connection",
        json=body,
        headers={"DD-API-KEY": API_KEY, "DD-APPLICATION-KEY": APP_KEY},
        timeout=5,
    )
    assert response.status_code == 400


def test_driftcheck_bodies_deserialize_into_the_official_models_without_loss(
    fake_datadog: FakeDatadog, tmp_path: Path
) -> None:
    live = [sample_connection(), sample_connection("legacy")]
    fake_datadog.set_connections("users", live)
    conn = {
        k: v for k, v in sample_connection().items() if not k.startswith(("created", "updated"))
    }
    tier, _ = conn["fields"]
    conn["unmanaged_fields"] = "delete"
    conn["fields"] = [
        {**tier, "display_name": "Tier", "groups": ["B"], "type": "number"},  # replaced
        {"id": "nps", "source_name": "nps", "type": "number", "description": "d"},  # added
    ]
    other = {**conn, "id": "crm", "metadata": {"owner": "x"}}  # created
    other.pop("unmanaged_fields")
    renamed = {**conn, "fields": [{**tier, "display_name": "T"}]}  # updated in place
    spec = {
        "version": 1,
        "entities": {
            "users": {"unmanaged_connections": "delete", "connections": [conn, other]},
            "accounts": {"connections": [{**renamed, "id": "user-profiles-connection"}]},
        },
    }
    fake_datadog.set_connections("accounts", [sample_connection()])
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec), "utf-8")
    result = run_cli("plan", str(folder), "--format", "json", env=fake_datadog.env())
    requests_sent = [r for op in json.loads(result.out)["operations"] for r in op["requests"]]
    assert {r["method"] for r in requests_sent} == {"POST", "PUT", "DELETE"}
    kinds = set()
    for request in requests_sent:
        if request["body"] is None:
            continue
        cls = CreateConnectionRequest if request["method"] == "POST" else UpdateConnectionRequest
        built = model(cls, request["body"])
        assert built.to_dict() == request["body"]
        assert not built._unparsed and not built.data._unparsed
        kinds |= set(request["body"]["data"]["attributes"])
    assert {"fields", "fields_to_add", "fields_to_delete", "fields_to_update"} <= kinds
