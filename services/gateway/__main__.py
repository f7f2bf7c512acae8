"""`python -m services.gateway`: serve the public API and web page on GATEWAY_HOST:GATEWAY_PORT."""

from __future__ import annotations

from services.gateway.app import create_app, server_limits
from services.gateway.settings import Settings
from shared.web.service import serve


def main() -> None:
    """Run the gateway service with settings from the environment."""
    settings = Settings()
    serve("gateway", create_app, settings, server_limits(settings))


if __name__ == "__main__":
    main()
