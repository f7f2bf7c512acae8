"""OpenAPI links from a posted rating to its playlist's ratings and its rater's (shared/web/openapi_links.py adds them).

An anonymous rater is `session:<session>` (services/feedback/ratings.py), so the rater links build that key from
the request's `session`; a rating by a signed-in user has none, and those two links do not apply to it.
"""

from __future__ import annotations

from typing import Final

from shared.web.openapi_links import LinkTable

_BY_RATER = "session:{$request.body#/session}"
_LINKS: Final = {
    "ListPlaylistRatings": {
        "operationId": "list_ratings_v1_ratings_get",
        "parameters": {"query.playlist_id": "$response.body#/playlist_id"},
        "description": "the ratings of the playlist just rated",
    },
    "ListRaterRatings": {
        "operationId": "list_ratings_v1_ratings_get",
        "parameters": {"query.rater": _BY_RATER},
        "description": "the ratings of the anonymous rater who rated",
    },
    "DeleteRaterRatings": {
        "operationId": "delete_ratings_v1_ratings_delete",
        "parameters": {"query.rater": _BY_RATER},
        "description": "delete that rater's ratings",
    },
}
# 201 stored, 200 replaced (or a retry), 202 queued in the outbox: the rating exists (or will) in each case.
RATING_LINKS: Final[LinkTable] = {("/v1/ratings", "post", status): _LINKS for status in ("201", "200", "202")}
