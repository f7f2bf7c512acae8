"""A fake Spotify Web API + accounts server over real HTTP, for tests of everything that talks to Spotify.

One FastAPI app serves both hosts: accounts (`/authorize`, `/api/token`), the API under `/v1`, and cover images
under `/images` (standing in for i.scdn.co). It follows docs SPOTIFY_WEB_API_2026.md: development-mode removals
answer 403/404, search limits to 10, audio features need `extended_access` on the app. Tests seed a
`SpotifyState`, inject faults (`state.inject(429, retry_after=1)`, `state.inject(503, times=2)`) and read back
`state.requests`; tests in another process do the same over HTTP under `/_fake` (spotify_control.py).
`python -m tests.fakes.spotify_dev` serves it as a dev server with a demo user (what `PRESSEDPLAY_SPOTIFY=fake make
run` starts).

    with FakeSpotify(SpotifyState.seeded()) as spotify:
        spotify.api_url       # http://127.0.0.1:PORT/v1/   (spotipy's `prefix`)
        spotify.accounts_url  # http://127.0.0.1:PORT       (+ /authorize, /api/token)
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from types import TracebackType

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.fakes.spotify_access import SpotifyApiError
from tests.fakes.spotify_accounts import create_accounts_router, s256
from tests.fakes.spotify_api import create_api_router
from tests.fakes.spotify_control import create_control_router
from tests.fakes.spotify_definition import load_definition
from tests.fakes.spotify_objects import api_error
from tests.fakes.spotify_playlists import create_playlists_router
from tests.fakes.spotify_refusals import refusal
from tests.fakes.spotify_state import RecordedRequest, SpotifyState
from tests.servers.process import free_port

__all__ = ["FakeSpotify", "SpotifyState", "create_app", "s256"]

_IMAGE_NAME = re.compile(r"^(?P<playlist>[A-Za-z0-9]+)-(?P<snapshot>\d+)\.jpg$")


def create_app(state: SpotifyState) -> FastAPI:
    """The fake's ASGI app over `state`."""
    app = FastAPI(title="fake Spotify", docs_url=None, redoc_url=None, openapi_url=None)
    load_definition()  # parsed now (about a second), not on the first call a client times

    @app.middleware("http")
    async def record_and_answer(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.monotonic()
        body = await request.body()
        asked = RecordedRequest(
            request.method,
            request.url.path,
            request.url.query,
            started,
            content_type=request.headers.get("content-type", ""),
            body=body,
        )
        response = await _answer(state, request, asked, call_next)
        answer = await _body_of(response)
        content_type = response.headers.get("content-type", "")
        state.record(replace(asked, status=response.status_code, response_type=content_type, response_body=answer))
        return Response(answer, status_code=response.status_code, headers=dict(response.headers))

    @app.exception_handler(SpotifyApiError)
    async def spotify_error(_: Request, exc: SpotifyApiError) -> JSONResponse:
        return JSONResponse(api_error(exc.status, exc.message), status_code=exc.status)

    @app.get("/images/{name}")
    def image(name: str) -> Response:
        match = _IMAGE_NAME.match(name)
        playlist = state.playlists.get(match.group("playlist")) if match else None
        if playlist is None or playlist.image_jpeg is None:
            return Response(status_code=404)
        return Response(playlist.image_jpeg, media_type="image/jpeg")

    app.include_router(create_accounts_router(state))
    app.include_router(create_api_router(state))
    app.include_router(create_playlists_router(state))
    app.include_router(create_control_router(state))
    return app


async def _body_of(response: Response) -> bytes:
    """The whole body of a route's (streamed) answer or of one made here."""
    iterator = getattr(response, "body_iterator", None)
    if iterator is None:
        return bytes(response.body)
    return b"".join([chunk async for chunk in iterator])


async def _answer(
    state: SpotifyState, request: Request, asked: RecordedRequest, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """An injected fault, else a refusal the definition calls for, else the route's answer."""
    fault = state.take_fault(request.url.path)
    if fault is not None and fault.delay_s:
        await asyncio.sleep(fault.delay_s)
    if fault is not None and fault.status:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        message = "API rate limit exceeded" if fault.status == 429 else "Service unavailable"
        return JSONResponse(api_error(fault.status, message), status_code=fault.status, headers=headers)
    if request.url.path.startswith("/v1/"):
        refused = refusal(state, asked.as_exchange(), request.headers.get("authorization", ""))
        if refused is not None:
            return JSONResponse(api_error(refused.status, refused.message), status_code=refused.status)
    return await call_next(request)


class FakeSpotify:
    """Serves the fake on a free 127.0.0.1 port from a background thread; a context manager."""

    def __init__(
        self, state: SpotifyState | None = None, *, start_timeout_s: float = 10.0, port: int | None = None
    ) -> None:
        self.state = state or SpotifyState()
        self.port = port or free_port()
        self.start_timeout_s = start_timeout_s
        config = uvicorn.Config(
            create_app(self.state), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def accounts_url(self) -> str:
        """Base of the accounts host: `{accounts_url}/authorize`, `{accounts_url}/api/token`."""
        return self.base_url

    @property
    def api_url(self) -> str:
        """Base of the Web API with its trailing slash, as spotipy's `prefix` wants it."""
        return f"{self.base_url}/v1/"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/api/token"

    def start(self) -> FakeSpotify:
        self._thread = threading.Thread(target=self._server.run, name=f"fake-spotify-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.start_timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fake Spotify did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeSpotify:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
