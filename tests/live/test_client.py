"""Reading the live state from the (fake) Datadog API: requests, validation, error messages."""

from __future__ import annotations

import gc
import io
import json
import re
import signal
import threading
import time
from typing import Any

import pytest
import requests
from fakes import VirtualTime
from fakes.datadog_api import (
    API_KEY,
    APP_KEY,
    FakeDatadog,
    error,
    html_page,
    raw,
    running,
    sample_connection,
)

from driftcheck import __version__
from driftcheck.live.client import Credentials, Target, read_live, resolve_target
from driftcheck.live.sites import SITES
from driftcheck.model import LiveState

CREDS = Credentials(api_key=API_KEY, app_key=APP_KEY)


def read(
    fake: FakeDatadog, *entities: str, target: Target | None = None, **options: Any
) -> LiveState:
    clock = VirtualTime()
    options.setdefault("sleep", clock.sleep)
    options.setdefault("clock", clock.clock)
    return read_live(
        entities,
        target=target or resolve_target(site=None, api_url=fake.url),
        credentials=options.pop("credentials", CREDS),
        timeout=options.pop("timeout", 60.0),
        **options,
    )


def error_of(state: LiveState, entity: str) -> str:
    found = state.entities[entity]
    assert not found.ok
    assert found.connections is None
    assert found.error is not None
    return found.error


# ------------------------------------------------------------ success


def test_reads_each_entity_exactly_as_returned(fake_datadog: FakeDatadog) -> None:
    users = [sample_connection(), sample_connection("crm-integration", future_attribute={"x": 1})]
    fake_datadog.set_connections("users", users)
    fake_datadog.set_connections("accounts", [])
    state = read(fake_datadog, "users", "accounts")
    assert list(state.entities) == ["users", "accounts"]
    assert state.entities["users"].ok
    assert list(state.entities["users"].connections or ()) == users
    assert state.entities["users"].connections[1]["future_attribute"] == {"x": 1}  # type: ignore[index]
    assert state.entities["accounts"].connections == ()
    assert state.site == fake_datadog.url.removeprefix("http://")


def test_read_at_is_the_utc_time_of_the_read(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    state = read(fake_datadog, "users")
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", state.read_at)
    assert before <= state.read_at <= after


def test_sends_the_documented_request(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    read(fake_datadog, "users")
    [request] = fake_datadog.requests
    assert request.method == "GET"
    assert request.path == "/api/v2/product-analytics/users/mapping/connections"
    assert request.headers["dd-api-key"] == API_KEY
    assert request.headers["dd-application-key"] == APP_KEY
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"] == f"driftcheck/{__version__}"


def test_entity_names_are_percent_encoded_in_the_path(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("a b/c?d", [])
    state = read(fake_datadog, "a b/c?d")
    assert state.entities["a b/c?d"].ok
    assert fake_datadog.requests[0].path == (
        "/api/v2/product-analytics/a%20b%2Fc%3Fd/mapping/connections"
    )


def test_each_entity_is_read_once_and_nothing_for_no_entities(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    assert read(fake_datadog).entities == {}
    assert fake_datadog.requests == []
    state = read(fake_datadog, "users", "users")
    assert list(state.entities) == ["users"]
    assert len(fake_datadog.requests) == 1


def test_eight_entities_with_200ms_latency_are_read_in_parallel() -> None:
    names = [f"entity{i}" for i in range(8)]
    with running(latency=0.2, connections={name: [sample_connection()] for name in names}) as fake:
        started = time.monotonic()
        state = read_live(
            names, target=resolve_target(site=None, api_url=fake.url), credentials=CREDS, timeout=30
        )
        elapsed = time.monotonic() - started
        ports = {request.client_port for request in fake.requests}
    assert all(read_.ok for read_ in state.entities.values())
    assert elapsed < 1.0, f"8 x 200 ms took {elapsed:.2f} s: not parallel"
    assert len(ports) <= 4, "connections are pooled: at most one per worker"


def test_one_unreadable_entity_does_not_spoil_the_others(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [sample_connection()])
    fake_datadog.set_connections("accounts", [])
    fake_datadog.fail("accounts", html_page(200, "Sign in"))
    state = read(fake_datadog, "users", "accounts")
    assert state.entities["users"].ok
    assert "could not read entity 'accounts'" in error_of(state, "accounts")


# ------------------------------------------------------------ each site's URL


class RecordingSession(requests.Session):
    """A session that answers from memory and records what would have been sent."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def request(self, method: str | bytes, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append((str(url), kwargs))
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        response.raw = io.BytesIO(self.body)
        return response


EMPTY_LIST = json.dumps(
    {"data": {"type": "list_connections_response", "attributes": {"connections": []}}}
).encode()


@pytest.mark.parametrize("site", SITES)
def test_each_site_is_read_from_its_api_host_with_timeouts(site: str) -> None:
    session = RecordingSession(EMPTY_LIST)
    state = read_live(
        ["users"],
        target=resolve_target(site=site, api_url=None),
        credentials=CREDS,
        timeout=60,
        session=session,
    )
    assert state.site == site
    assert state.entities["users"].ok
    [(url, kwargs)] = session.calls
    assert url == f"https://api.{site}/api/v2/product-analytics/users/mapping/connections"
    connect, read_ = kwargs["timeout"]
    assert 0 < connect <= 60
    assert 0 < read_ <= 60
    assert kwargs["allow_redirects"] is False
    assert kwargs["proxies"] is None  # the environment's proxy settings apply to real hosts


def test_timeouts_never_exceed_the_time_left() -> None:
    session = RecordingSession(EMPTY_LIST)
    read_live(
        ["users"],
        target=resolve_target(site=None, api_url=None),
        credentials=CREDS,
        timeout=2.5,
        session=session,
    )
    connect, read_ = session.calls[0][1]["timeout"]
    assert connect <= 2.5
    assert read_ <= 2.5


def test_environment_proxy_never_sees_a_loopback_target(
    fake_datadog: FakeDatadog, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://10.255.255.1:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    fake_datadog.set_connections("users", [])
    assert read(fake_datadog, "users").entities["users"].ok


# ------------------------------------------------------------ invalid successes

INVALID_BODIES = [
    (b"", "the body is empty"),
    (b"   \n", "the body is empty"),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"conn',
        "the body is not valid JSON",
    ),
    (b"\xff\xfe\x00garbage", "not"),
    (b"[]", "expected a JSON object, got a list"),
    (b"{}", "no 'data' object"),
    (b'{"data": null}', "no 'data' object"),
    (b'{"data": []}', "'data' is a list"),
    (b'{"data": {"attributes": {"connections": []}}}', "data.type is missing"),
    (
        b'{"data": {"type": "connections", "attributes": {"connections": []}}}',
        "data.type is 'connections'",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": NaN}}}',
        "not valid JSON",
    ),
]


#: List-connections responses (the right API: the site is right) whose connections are odd.
ODD_BODIES = [
    (
        b'{"data": {"type": "list_connections_response", "attributes": []}}',
        "data.attributes is a list",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": {}}}}',
        "data.attributes.connections is an object, expected a list",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": ["x"]}}}',
        "data.attributes.connections[0] is a string, expected an object",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": [{}]}}}',
        "a connection has no usable id (data.attributes.connections[0].id is missing",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": '
        b'[{"id": 7}]}}}',
        "a connection has no usable id (data.attributes.connections[0].id is 7 (a number)",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": '
        b'[{"id": "a"}, {"id": "a"}]}}}',
        "connection id 'a' appears twice (data.attributes.connections[1].id)",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": '
        b'[{"id": "a", "fields": {"id": "f"}}]}}}',
        "connection 'a': data.attributes.connections[0].fields is an object",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": '
        b'[{"id": "a", "fields": [{"id": null}]}]}}}',
        "connection 'a': a field has no usable id "
        "(data.attributes.connections[0].fields[0].id is missing",
    ),
    (
        b'{"data": {"type": "list_connections_response", "attributes": {"connections": '
        b'[{"id": "a", "fields": [{"id": "f"}, {"id": "f"}]}]}}}',
        "connection 'a': field id 'f' appears twice (data.attributes.connections[0].fields[1].id)",
    ),
]


@pytest.mark.parametrize(
    ("body", "problem", "odd"),
    [(body, problem, False) for body, problem in INVALID_BODIES]
    + [(body, problem, True) for body, problem in ODD_BODIES],
)
def test_a_body_that_is_not_a_list_response_makes_the_entity_unreadable(
    fake_datadog: FakeDatadog, body: bytes, problem: str, odd: bool
) -> None:
    """Odd connections in a real list-connections response are named, and the advice is
    about the data: the site is right. Any other body is not that response: check --site."""
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", raw(body))
    message = error_of(read(fake_datadog, "users"), "users")
    assert "could not read entity 'users'" in message
    assert "HTTP 200 OK, but " + (problem if odd else "") in message
    assert problem in message
    if odd:
        assert "--site" not in message and "--api-url" not in message
        assert "correct it in Datadog" in message
    else:
        assert "--api-url" in message  # how to fix
    assert len(fake_datadog.requests) == 1  # a bad body is not retried


def test_an_html_page_with_200_is_named_as_such(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", html_page(200, "Corporate proxy: please sign in"))
    message = error_of(read(fake_datadog, "users"), "users")
    assert "an HTML page titled 'Corporate proxy: please sign in'" in message


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"type": "list_connections_response"}},
        {"data": {"type": "list_connections_response", "attributes": None}},
        {"data": {"type": "list_connections_response", "attributes": {}}},
        {"data": {"type": "list_connections_response", "attributes": {"connections": None}}},
        {
            "data": {
                "id": "x",
                "type": "list_connections_response",
                "attributes": {"connections": []},
                "meta": {"new": True},
            }
        },
    ],
)
def test_absent_optional_parts_mean_no_connections(
    fake_datadog: FakeDatadog, body: dict[str, Any]
) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", raw(json.dumps(body)))
    assert read(fake_datadog, "users").entities["users"].connections == ()


def test_connection_with_null_fields_is_kept_as_returned(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [{"id": "c", "fields": None}])
    assert read(fake_datadog, "users").entities["users"].connections == (
        {"id": "c", "fields": None},
    )


# ------------------------------------------------------------ error answers


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (error(400, "Bad Request"), "Datadog said: Bad Request."),
        (
            error(400, "first problem", "second problem"),
            "Datadog said: first problem; second problem",
        ),
        (
            error(400, {"status": "400", "title": "Bad Request", "detail": "entity is invalid"}),
            "Datadog said: Bad Request: entity is invalid.",
        ),
        (error(400, {"title": "Bad Request"}, "plain"), "Datadog said: Bad Request; plain."),
        (error(400, {"code": "E42"}), 'Datadog said: {"code":"E42"}'),
        (
            raw("upstream exploded", status=400, content_type="text/plain"),
            "Datadog said: upstream exploded.",
        ),
        (raw('{"message": "nope"}', status=400), 'Datadog said: {"message":"nope"}'),
        (html_page(400, "400 Bad Request"), "Datadog said: an HTML page titled '400 Bad Request'"),
    ],
)
def test_error_bodies_are_shown(fake_datadog: FakeDatadog, fault: Any, said: str) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", fault)
    message = error_of(read(fake_datadog, "users"), "users")
    assert "HTTP 400 Bad Request" in message
    assert said in message


def test_an_empty_error_body_shows_no_server_text(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", raw("", status=400))
    message = error_of(read(fake_datadog, "users"), "users")
    assert "HTTP 400 Bad Request" in message
    assert "Datadog said" not in message


def test_long_error_text_is_clipped(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail("users", error(400, "x" * 5000))
    assert len(error_of(read(fake_datadog, "users"), "users")) < 600


def test_wrong_api_key_says_which_variables_to_set(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    wrong = Credentials(api_key="not-the-right-api-key", app_key=APP_KEY)
    message = error_of(read(fake_datadog, "users", credentials=wrong), "users")
    assert "HTTP 403 Forbidden" in message
    assert "Datadog said: Forbidden" in message
    for needle in ("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "Product Analytics"):
        assert needle in message
    assert len(fake_datadog.requests) == 1


def test_wrong_application_key_says_which_variables_to_set(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    wrong = Credentials(api_key=API_KEY, app_key="not-the-right-app-key")
    message = error_of(read(fake_datadog, "users", credentials=wrong), "users")
    assert "HTTP 401 Unauthorized" in message
    assert "Unauthorized: Application key is missing or invalid" in message
    for needle in ("DD_API_KEY", "DD_APP_KEY", "needs access to Product Analytics"):
        assert needle in message


def test_unknown_entity_404_explains_both_causes(fake_datadog: FakeDatadog) -> None:
    message = error_of(read(fake_datadog, "userz"), "userz")
    assert "HTTP 404 Not Found" in message
    assert "'userz' does not exist" in message
    assert "not offered on the government sites ddog-gov.com, us2.ddog-gov.com" in message


def test_404_on_a_government_site_says_product_analytics_is_not_offered(
    fake_datadog: FakeDatadog,
) -> None:
    target = Target(base_url=fake_datadog.url, site="us2.ddog-gov.com")
    message = error_of(read(fake_datadog, "users", target=target), "users")
    assert "from us2.ddog-gov.com: HTTP 404" in message
    assert "Product Analytics is not offered on the government site us2.ddog-gov.com" in message


def test_redirects_are_not_followed(fake_datadog: FakeDatadog) -> None:
    fake_datadog.set_connections("users", [])
    fake_datadog.fail(
        "users", raw("", status=302, headers={"Location": "http://127.0.0.1:9/steal-keys"})
    )
    message = error_of(read(fake_datadog, "users"), "users")
    assert "HTTP 302 Found, redirected to 'http://127.0.0.1:9/steal-keys'" in message
    assert "does not follow redirects" in message
    assert len(fake_datadog.requests) == 1


# ^C stops a read at once, not after its retries.


class _HangingSession(requests.Session):
    """The first request interrupts the waiting thread (as ^C would), then hangs until
    released and fails with a retryable error; later requests are counted."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def request(self, method: str | bytes, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls += 1
        if self.calls == 1:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            self.release.wait(10)
        raise requests.ConnectionError("connection reset")


def test_an_interrupt_returns_at_once_and_stops_the_retries() -> None:
    session = _HangingSession()
    # The garbage of earlier tests is collected first and the collector paused meanwhile: a
    # ^C that lands while the main thread runs some old object's finalizer is raised inside
    # it and dropped by Python ("Exception ignored in ..."), which made this test fail now
    # and then in the whole suite, never alone.
    gc.collect()
    gc.disable()
    try:
        with pytest.raises(KeyboardInterrupt):
            read_live(
                ["users"],
                target=resolve_target(site=None, api_url=None),
                credentials=Credentials("a" * 32, "b" * 40),
                timeout=60,
                sleep=lambda _: None,
                session=session,
            )
    finally:
        gc.enable()
    assert session.calls == 1  # the interrupt did not wait for the hanging request
    session.release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("driftcheck-read"):
            thread.join(10)
    assert session.calls == 1  # and the connection error was not retried
