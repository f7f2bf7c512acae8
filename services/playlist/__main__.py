"""`python -m services.playlist`: serve the playlist API on PLAYLIST_HOST:PLAYLIST_PORT."""

from __future__ import annotations

from services.playlist.app import create_app
from services.playlist.settings import Settings
from shared.web.service import serve


def main() -> None:
    """Run the playlist service with settings from the environment."""
    serve("playlist", create_app, Settings())


if __name__ == "__main__":
    main()
