"""Spotify failures as the error names a client sees (all subclasses of shared.errors.ServiceError).

InvalidSignIn            400  bad or replayed state, missing code, Spotify's callback error, a rejected code
SpotifySignInRequired    401  not signed in, or the tokens were refused after one refresh
SpotifyForbidden         403  Spotify said 403: in Development Mode, usually the app's user allow-list
SpotifyNotConfigured     503  no client id set (PLAYLIST_SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_ID)
SpotifyRateLimited       503  429 whose Retry-After is past our bound (or still 429 after waiting), + Retry-After
SpotifyUnavailable       503  Spotify unreachable or answering 5xx
SpotifyTimeout           504  no answer within PLAYLIST_SPOTIFY_TIMEOUT_S
SpotifyFailed            502  any other unexpected answer
"""

from __future__ import annotations

from typing import Final

from shared.errors import BadRequest, Forbidden, NotReady, Unauthorized, UpstreamError, UpstreamTimeout
from shared.errors import UpstreamUnavailable as _Unavailable

DEVELOPMENT_MODE_LIMITS: Final = (
    "Spotify refused the request (403). An app in Development Mode serves at most 5 users, each added by the app's "
    "owner (who needs Premium) to the app's allow-list in the Spotify developer dashboard; ask the owner to add "
    "your Spotify account, or sign in with one that is on the list."
)


class InvalidSignIn(BadRequest):
    """The sign-in callback cannot be accepted; nothing was stored."""


class SpotifySignInRequired(Unauthorized):
    """Sign in with Spotify (again) to do this."""


class SpotifyForbidden(Forbidden):
    """Spotify answered 403."""


class SpotifyNotConfigured(NotReady):
    """Spotify is not set up on this server."""


class SpotifyRateLimited(_Unavailable):
    """Spotify's rate limit, past what we wait for."""


class SpotifyUnavailable(_Unavailable):
    """Spotify could not be reached or failed."""


class SpotifyTimeout(UpstreamTimeout):
    """Spotify did not answer in time."""


class SpotifyFailed(UpstreamError):
    """Spotify answered something we did not expect."""
