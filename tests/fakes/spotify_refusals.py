"""What the fake refuses before any route sees a request, read from Spotify's published definition
(spotify_definition.py), as the 2026 Web API does for an app in Development Mode:

- a deprecated operation: 403 (404 for the recommendations, as observed; docs SPOTIFY_WEB_API_2026.md), unless the
  app has extended access (the pre-2024-11 quota, which still reaches them);
- a user's token without every scope the operation's `security` lists: 403 "Insufficient client scope" (an app's
  client-credentials token carries no scopes and reads public data, as Spotify's does; routes that need a user
  refuse it themselves);
- parameters or a JSON body that break the operation's schemas: 400, in Spotify's wording ("Invalid limit").

Every refusal has Spotify's error shape, {"error": {"status", "message"}}. Paths the definition lacks are left to
the routes (the fake's own 404s, and /_fake).
"""

from __future__ import annotations

from typing import Final

from tests.fakes.spotify_access import SpotifyApiError, grant_of
from tests.fakes.spotify_definition import Exchange, load_definition
from tests.fakes.spotify_state import SpotifyState

# Deprecated operations answer 403 to a development-mode app, except these, observed as 404.
REMOVED_AS_NOT_FOUND: Final = frozenset({"/recommendations", "/recommendations/available-genre-seeds"})


def refusal(state: SpotifyState, request: Exchange, authorization: str) -> SpotifyApiError | None:
    """Why Spotify would refuse this request before doing anything, or None."""
    definition = load_definition()
    operation = definition.operation(request.method, request.path)
    if operation is None:
        return None
    try:
        grant = grant_of(state, authorization)
    except SpotifyApiError as unauthorised:
        return unauthorised
    app = state.apps.get(grant.client_id)
    if operation.deprecated and not (app is not None and app.extended_access):
        if operation.template in REMOVED_AS_NOT_FOUND:
            return SpotifyApiError(404, "Service not found")
        return SpotifyApiError(403, f"Forbidden: {operation.operation_id} is not available to this app")
    if grant.user_id is not None and not operation.scopes <= grant.scopes:
        return SpotifyApiError(403, "Insufficient client scope")
    problems = definition.request_problems(request)
    if problems:
        return SpotifyApiError(400, problems[0][0])
    return None
