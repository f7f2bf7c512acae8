"""`python -m services.inference`: serve the inference API on INFERENCE_HOST:INFERENCE_PORT."""

from __future__ import annotations

from services.inference.app import create_app
from services.inference.settings import Settings
from shared.web.service import serve


def main() -> None:
    """Run the inference service with settings from the environment."""
    serve("inference", create_app, Settings())


if __name__ == "__main__":
    main()
