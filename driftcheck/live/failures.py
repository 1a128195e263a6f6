"""What a failed read of the Datadog API means to the user: the problem, and how to fix it.

An :class:`Answer` describes one failed request; :class:`GiveUp` ends the reading of an
entity and renders the message stored in its :class:`~driftcheck.model.EntityRead`.
"""

from __future__ import annotations

import http
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from driftcheck.live.payload import describe_bad_body, describe_error_body
from driftcheck.live.sites import GOV_SITES, Target
from driftcheck.wording import did_you_mean

RATE_ADVICE = (
    "Datadog's rate limit for this organisation was reached: wait a minute and retry, "
    "or raise --timeout so that driftcheck can wait for the limit to reset"
)
DEBUG_ADVICE = "--debug shows the requests and responses (keys masked)"


@dataclass(frozen=True)
class Answer:
    """One failed request: its HTTP status (None if there was no response) and what to do."""

    status: int | None
    problem: str
    advice: str
    retryable: bool = False
    hint: float | None = None  # seconds the server asked us to wait
    said: str = ""  # the server's error message, rendered

    def summary(self) -> str:
        if self.status is None:
            return self.problem
        text = f"HTTP {self.status}"
        phrase = _phrase(self.status)
        return f"{text} {phrase}" if phrase else text

    @classmethod
    def rate_limited_elsewhere(cls) -> Answer:
        return cls(
            None, "not sent: another request of this run was rate limited (HTTP 429)", RATE_ADVICE
        )

    @classmethod
    def interrupted(cls) -> Answer:
        return cls(None, "not sent: the read was interrupted", "Run the command again")

    @classmethod
    def no_time(cls) -> Answer:
        return cls(
            None,
            "not sent: no time was left",
            "Raise --timeout, or read fewer entities at once (--entity)",
        )


class GiveUp(Exception):
    """Reading an entity failed for good: the last answer, the attempts made, and why we stopped."""

    def __init__(self, answer: Answer, attempts: int, why: str | None = None) -> None:
        super().__init__(answer.problem)
        self.answer, self.attempts, self.why = answer, attempts, why

    def render(self, entity: str, target: Target) -> str:
        """The message: entity, site, status, what was wrong, attempts, server text, fix."""
        answer = self.answer
        text = f"could not read entity {entity!r} from {target.site}: {answer.summary()}"
        if answer.status is not None and answer.problem:
            text += f", {answer.problem}"
        if self.attempts > 1:
            text += f" (after {self.attempts} attempts)"
        if answer.said:
            text += f"; Datadog said: {answer.said}"
        if self.why:
            text += f"; gave up: {self.why}"
        return f"{text}. {answer.advice}"


def answer_for_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    target: Target,
    entity: str,
    *,
    problem: str = "",
    hint: float | None = None,
    odd_data: bool = False,
) -> Answer:
    """The answer for a response that brought no usable connections.

    ``odd_data``: the body is a list-connections response whose connections are unusable; the
    site is right, so the advice is about the data, not --site.
    """
    content_type = headers.get("Content-Type", "")
    if 200 <= status < 300 and odd_data:
        return Answer(
            status,
            f"but {problem}",
            f"Datadog answered, but driftcheck cannot use this data of entity {entity!r}: "
            "correct it in Datadog (or ask Datadog support) and run again; "
            f"{DEBUG_ADVICE}",
        )
    if 200 <= status < 300:
        return Answer(
            status,
            "but " + describe_bad_body(body, content_type, problem),
            "This is not a list-connections response: check that --site or --api-url "
            f"points at the Datadog API; {DEBUG_ADVICE}",
        )
    said = describe_error_body(body, content_type)
    if status == 429:
        return Answer(status, "rate limited", RATE_ADVICE, retryable=True, hint=hint, said=said)
    if status >= 500:
        return Answer(
            status,
            "a server error",
            "Datadog had a server error: retry later "
            "(https://status.datadoghq.com), or raise --timeout",
            retryable=True,
            hint=hint,
            said=said,
        )
    if 300 <= status < 400:
        where = headers.get("Location", "")
        return Answer(
            status,
            f"redirected to {where!r}" if where else "a redirect",
            "driftcheck does not follow redirects, so that the keys never go to "
            "another host: give the API host of your site with --site, or the final "
            "URL with --api-url",
            said="",
        )
    return Answer(status, _problem_4xx(status), _advice_4xx(status, target, entity), said=said)


def _problem_4xx(status: int) -> str:
    return {
        401: "the keys were not accepted",
        403: "the keys may not read data connections",
        404: "no such entity or endpoint",
    }.get(status, "the request was refused")


def _advice_4xx(status: int, target: Target, entity: str) -> str:
    keys = (
        f"set DD_API_KEY to an API key and DD_APP_KEY (or DD_APPLICATION_KEY) to an "
        f"application key of the same organisation on {target.site}; the application key "
        "needs access to Product Analytics"
    )
    if status == 401:
        return f"Check the keys: {keys}"
    if status == 403:
        return f"Check the keys and their permissions: {keys}"
    if status == 404:
        gov = ", ".join(GOV_SITES)
        if target.is_gov:
            return (
                f"Product Analytics is not offered on the government site {target.site}; "
                f"the entity {entity!r} may also not exist"
            )
        return (
            f"The entity {entity!r} does not exist{did_you_mean(entity, ('users', 'accounts'))}"
            ": Product Analytics knows users and accounts; or the endpoint is not available "
            f"on this site (Product Analytics is not offered on the government sites {gov}); "
            "check the entity and --site"
        )
    return f"Check the entity name and --site; {DEBUG_ADVICE}"


def network_advice(target: Target) -> str:
    host = urlsplit(target.base_url).hostname or target.base_url
    return (
        f"Check the network and that {host} is reachable (and HTTPS_PROXY, if a proxy is "
        "needed); retry, or raise --timeout"
    )


def connection_reason(exc: BaseException) -> str:
    """A short reason for a connection failure, found in the chain of wrapped exceptions."""
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    if any(isinstance(e, TimeoutError) for e in chain) or names & {
        "ReadTimeoutError",
        "ConnectTimeoutError",
    }:
        return "timed out"
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if names & {"NameResolutionError", "gaierror"}:
        return "the host name could not be resolved"
    if names & {"IncompleteRead", "ChunkedEncodingError", "InvalidChunkLength"}:
        return "the connection broke off in the middle of the response"
    if names & {"RemoteDisconnected", "ConnectionResetError", "BrokenPipeError"}:
        return "the server closed the connection without answering"
    return f"the connection failed ({type(exc).__name__})"


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(found) < 20:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        linked = [
            *current.args,
            getattr(current, "reason", None),
            current.__cause__,
            current.__context__,
        ]
        todo.extend(item for item in linked if isinstance(item, BaseException))
    return found


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
