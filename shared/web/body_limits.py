"""The one request-body guard every service installs: 415 for a media type a route does not take, 413 for a body
over its limit, counted on the byte stream itself (ASGI receive) so an oversized body is refused after at most the
limit has been read, never after spooling the whole thing.

Each service names its rules (`BodyRule`): which paths, which media types, how many bytes. The first rule whose
path matches a POST/PUT/PATCH request applies; requests no rule names pass untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.errors import envelope_response

JSON_MEDIA: tuple[str, ...] = ("application/json", "+json")
MULTIPART: str = "multipart/form-data"


class BodyTooLarge(HTTPException):
    """Raised from inside receive(): FastAPI re-raises HTTPExceptions met while parsing a body, so the envelope
    handler answers 413 PayloadTooLarge instead of FastAPI's generic 400 "error parsing the body"."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=413, detail=detail)


@dataclass(frozen=True)
class BodyRule:
    """What one group of routes accepts.

    media: accepted media types (empty: any); an entry ending in "/" is a prefix ("image/"), one starting with "+"
    a suffix ("+json"). what: the body's name in the 413 detail ("upload", "photo"). multipart_extra: bytes allowed
    on top of max_bytes for multipart framing. check_json: read the (small) body here and answer 422 for bytes that
    are not JSON (FastAPI answers non-UTF-8 with a bare 400).
    """

    path: re.Pattern[str]
    media: tuple[str, ...]
    max_bytes: int
    unsupported: str = "send the body as {accepted}; got {media}"
    what: str = "body"
    multipart_extra: int = 0
    check_json: bool = False

    def accepts(self, media: str) -> bool:
        """True when the request's media type is one this rule takes."""
        if not self.media:
            return True
        for accepted in self.media:
            if accepted.endswith("/") and media.startswith(accepted):
                return True
            if accepted.startswith("+") and media.endswith(accepted):
                return True
            if media == accepted:
                return True
        return False

    def limit_for(self, media: str) -> int:
        """The byte limit of the whole body for this media type."""
        return self.max_bytes + (self.multipart_extra if media == MULTIPART else 0)

    def too_large(self) -> str:
        """The 413 detail (the limit named is the one the client controls: the content's)."""
        return f"the {self.what} is larger than the {self.max_bytes:,}-byte limit"


def json_rule(pattern: str, *, max_bytes: int) -> BodyRule:
    """A rule for routes taking a JSON body, checked as JSON before the app sees it."""
    return BodyRule(
        path=re.compile(pattern),
        media=JSON_MEDIA,
        max_bytes=max_bytes,
        unsupported="send the body as application/json; got {media}",
        check_json=True,
    )


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}


def _carries_body(headers: dict[str, str]) -> bool:
    # HTTP/1.1: a request has a body only with a Transfer-Encoding or a non-zero Content-Length.
    return "transfer-encoding" in headers or headers.get("content-length", "0").strip() not in ("", "0")


class BodyGuard:
    """ASGI middleware enforcing `rules` on the bodies of POST, PUT and PATCH requests."""

    def __init__(self, app: ASGIApp, *, rules: Sequence[BodyRule]) -> None:
        self.app = app
        self.rules = tuple(rules)

    def _rule(self, scope: Scope) -> BodyRule | None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            return None
        path = scope.get("path", "")
        return next((rule for rule in self.rules if rule.path.fullmatch(path)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self._rule(scope)
        if rule is None:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if not media and not _carries_body(headers):
            # A bodyless POST (sign-out, save) has no media type to refuse; the route says if it needed a body.
            await self.app(scope, receive, send)
            return
        if not rule.accepts(media):
            detail = rule.unsupported.format(accepted=" or ".join(rule.media), media=media or "no Content-Type")
            await envelope_response(415, "UnsupportedMediaType", detail)(scope, receive, send)
            return
        limit = rule.limit_for(media)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:  # refused before a byte of the body is read
            await envelope_response(413, "PayloadTooLarge", rule.too_large())(scope, receive, send)
            return
        if rule.check_json:
            await self._checked_json(rule, limit, scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(rule.too_large())
            return message

        await self.app(scope, counting_receive, send)

    async def _checked_json(self, rule: BodyRule, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        # JSON bodies are small: read them here, counting as they stream, and refuse the moment they pass the limit.
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            more = message.get("more_body", False)
            if received > limit:
                await envelope_response(413, "PayloadTooLarge", rule.too_large())(scope, receive, send)
                return
        body = b"".join(chunks)
        problem = json_problem(body)
        if problem is not None:
            await envelope_response(422, "ValidationError", [problem])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the client's disconnect, as a server would

        await self.app(scope, replay, send)


def json_problem(body: bytes) -> dict[str, Any] | None:
    """None for a valid JSON body, else a validation-error entry saying where it breaks."""
    try:
        json.loads(body)
    except UnicodeDecodeError as exc:
        return {"loc": ["body", exc.start], "msg": "the body is not UTF-8 text", "type": "json_invalid"}
    except RecursionError:  # "[[[[..." thousands deep: the parser's own limit, not a server error
        return {"loc": ["body"], "msg": "the JSON is nested too deeply", "type": "json_invalid"}
    except ValueError as exc:
        position = getattr(exc, "pos", 0)
        return {"loc": ["body", position], "msg": f"JSON decode error: {exc}", "type": "json_invalid"}
    return None
