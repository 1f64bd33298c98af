"""Outbound HTTP for the handoff package and the actions that call it: one aiohttp
session per client, opened on first use, and POSTs that retry connection errors,
timeouts and 5xx answers with exponential backoff. Callers turn the final answer or
error into their own exception."""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

from handoff import strict_json

RETRYABLE = (aiohttp.ClientError, asyncio.TimeoutError)
NOT_SENT_ERRORS = (aiohttp.ClientConnectorError,)  # no connection: the request never left


@dataclass(frozen=True)
class Reply:
    status: int
    text: str

    @property
    def ok(self) -> bool:
        return self.status < 300

    def json(self) -> Any:
        return json.loads(self.text) if self.text else {}


class HttpClient:
    def __init__(self, timeout: float, retries: int = 2, headers: Optional[Dict[str, str]] = None,
                 backoff: float = 0.2, fresh_connections: bool = False) -> None:
        """`fresh_connections`: a new connection per request, so a server that restarted is never met
        on a stale kept-alive connection (which would make a POST's outcome unknown)."""
        self.retries, self.backoff, self._headers = retries, backoff, headers or {}
        self._fresh = fresh_connections
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers,
                                                  json_serialize=strict_json.dumps,
                                                  connector=aiohttp.TCPConnector(force_close=self._fresh))
        return self._session

    async def post(self, url: str, retries: Optional[int] = None, resend: bool = True, **kwargs: Any) -> Reply:
        """The first answer below 500, or the last one; raises RETRYABLE errors when every try failed.
        With `resend=False` (a POST that is not idempotent) only a connection that could not be made is
        tried again: after a timeout, a dropped connection or a 5xx the request may have been done,
        and the caller finds out (NOT_SENT_ERRORS tells the errors where it certainly was not)."""
        tries = (self.retries if retries is None else retries) + 1
        for attempt in range(tries):
            last = attempt == tries - 1
            try:
                async with self._client().post(url, **kwargs) as response:
                    reply = Reply(response.status, await response.text())
                if reply.status < 500 or last or not resend:
                    return reply
            except NOT_SENT_ERRORS:
                if last:
                    raise
            except RETRYABLE:
                if last or not resend:
                    raise
            await asyncio.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable: the last try returns or raises")

    async def get(self, url: str, **kwargs: Any) -> Reply:
        """A GET is idempotent: a dropped connection is tried once more."""
        for attempt in range(2):
            try:
                async with self._client().get(url, **kwargs) as response:
                    return Reply(response.status, await response.text())
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                if attempt:
                    raise
        raise AssertionError("unreachable: the second try returns or raises")

    async def delete(self, url: str, **kwargs: Any) -> Reply:
        """A DELETE is idempotent: a dropped connection is tried once more."""
        for attempt in range(2):
            try:
                async with self._client().delete(url, **kwargs) as response:
                    return Reply(response.status, await response.text())
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                if attempt:
                    raise
        raise AssertionError("unreachable: the second try returns or raises")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
