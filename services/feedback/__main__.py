"""`python -m services.feedback`: serve the feedback API on FEEDBACK_HOST:FEEDBACK_PORT."""

from __future__ import annotations

from services.feedback.app import create_app
from services.feedback.settings import Settings
from shared.web.service import serve


def main() -> None:
    """Run the feedback service with settings from the environment."""
    serve("feedback", create_app, Settings())


if __name__ == "__main__":
    main()
