"""One way to call a remote API: retries of passing failures, and every failure a RemoteError."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from tonle.collect.remote.records import (
    RemoteAuthError,
    RemoteError,
    RemoteMalformed,
    RemoteNotFound,
    RemoteUnavailable,
)

# Worth trying again: the server is busy or restarting (429, 502, 503, 504, and a plain 500,
# which Kobo answers while its Mongo catches up).
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


class Response(Protocol):
    """What httpx's and requests' responses both offer."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...


R = TypeVar("R", bound=Response)


def call(
    send: Callable[[], R],
    *,
    server: str,
    path: str,
    attempts: int,
    backoff: float,
    network_errors: tuple[type[BaseException], ...],
    refused: Callable[[BaseException], R | None] = lambda error: None,
) -> R:
    """`send()` until it answers 2xx or `attempts` are spent; a RemoteError otherwise.

    `network_errors` are the HTTP library's timeouts and refused connections; `refused`
    digs a response out of a library error that carries one (pyodk's failed login).
    """
    detail = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            response = send()
        except network_errors as error:
            inside = refused(error)
            if inside is None:
                detail = type(error).__name__
                continue
            response = inside
        status = response.status_code
        if 200 <= status < 300:
            return response
        if status in (401, 403):
            raise RemoteAuthError(server=server, status=status)
        if status == 404:
            raise RemoteNotFound(server=server, path=path)
        if status not in TRANSIENT_STATUSES:
            raise RemoteError(server=server, detail=f"HTTP {status} {_snippet(response.content)}")
        detail = f"HTTP {status}"
    raise RemoteUnavailable(server=server, detail=detail, attempts=attempts)


def json_of(response: Response, *, server: str, path: str) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as error:
        raise RemoteMalformed(server=server, path=path, detail=f"not JSON ({error})") from None


def _snippet(content: bytes) -> str:
    return content[:200].decode("utf-8", "replace").strip()
