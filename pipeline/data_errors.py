"""Errors of the training-data pipeline (dataset builder, pairing, collector), in the project's one hierarchy.

InvalidInput (422)
├── DatasetError            bad or missing inputs to the dataset builder / inspector
└── PairingError            a cover genre with no track pool, or an empty pool
UpstreamError (502)
├── SpotifyRateLimited      429 beyond the retry budget (or a Retry-After longer than we wait)
├── SpotifyForbidden        403, e.g. audio features for an app without extended access
└── SpotifyFailed           any other Spotify failure after bounded retries
"""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound, UpstreamError


class DatasetError(InvalidInput):
    """The dataset builder or inspector was given something it cannot use."""


class PairingError(InvalidInput):
    """A genre has no tracks to pair with."""


class SpotifyNotFound(NotFound):
    """Spotify answered 404 for something that was listed a moment ago."""


class SpotifyRateLimited(UpstreamError):
    """Spotify kept answering 429; the collector stopped (its state file lets a re-run resume)."""


class SpotifyForbidden(UpstreamError):
    """Spotify answered 403 (for audio features: the app lacks extended access)."""


class SpotifyFailed(UpstreamError):
    """Spotify failed in a way retries did not fix."""
