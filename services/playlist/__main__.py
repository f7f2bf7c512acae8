"""`python -m services.playlist`: serve the playlist API on PLAYLIST_HOST:PLAYLIST_PORT."""

from __future__ import annotations

import uvicorn

from services.playlist.app import create_app
from services.playlist.settings import Settings
from shared.logging import configure_logging


def main() -> None:
    """Configure JSON logs and run the app under uvicorn."""
    settings = Settings()
    configure_logging("playlist", settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
