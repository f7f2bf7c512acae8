"""OpenAPI links from a new playlist to what can be done with it (shared/web/openapi_links.py adds them).

A playlist made (POST /v1/playlists, 201) can be fetched, taken again, exported, rated and saved, and its maker's
ratings listed and deleted, with the id from its body and the session cookie from its Set-Cookie: a playlist is
visible only to the session that made it. The cookie's name is a setting, so the table is built per app.
"""

from __future__ import annotations

from typing import Any, Final

from shared.web.openapi_links import LinkTable

# (link name, operationId of the target, whether it takes the playlist id, what the step is)
TARGETS: Final = (
    ("GetPlaylist", "get_playlist_v1_playlists__playlist_id__get", True, "the playlist just made"),
    ("AnotherTake", "post_take_v1_playlists__playlist_id__takes_post", True, "another take of its photo"),
    ("ExportPlaylist", "get_export_v1_playlists__playlist_id__export__fmt__get", True, "export it"),
    ("RatePlaylist", "post_feedback_v1_playlists__playlist_id__feedback_post", True, "like or dislike it"),
    ("SavePlaylist", "save_playlist_v1_playlists__playlist_id__save_post", True, "keep it on Spotify (signed in)"),
    (
        "SaveToSpotifyAgain",
        "save_to_spotify_again_v1_playlists__playlist_id__spotify_post",
        True,
        "put it on Spotify after a failed save (signed in)",
    ),
    ("ListMyRatings", "get_my_ratings_v1_me_ratings_get", False, "the ratings of the session that made it"),
    ("DeleteMyRatings", "delete_my_ratings_v1_me_ratings_delete", False, "delete them"),
)


def playlist_links(cookie_name: str) -> LinkTable:
    """Links from POST /v1/playlists' 201, carrying the session cookie named cookie_name."""
    links: dict[str, dict[str, Any]] = {}
    for name, operation_id, takes_id, description in TARGETS:
        parameters = {f"cookie.{cookie_name}": f"$response.header.Set-Cookie#regex:{cookie_name}=([^;]+)"}
        if takes_id:
            parameters["path.playlist_id"] = "$response.body#/id"
        links[name] = {"operationId": operation_id, "parameters": parameters, "description": description}
    return {("/v1/playlists", "post", "201"): links}
