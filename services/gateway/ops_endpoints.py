"""Who may read the gateway's operator endpoints: /metrics, and the API docs (/docs, /redoc, /openapi.json).

On the public port they tell an attacker the routes, the error shapes and the traffic. Each group is open, token-only
(`Authorization: Bearer <GATEWAY_OPS_TOKEN>`) or off (404, as if absent), from the settings: in development both are
open; in production both are off unless GATEWAY_OPS_TOKEN is set, and then need it. The rule is here; the middleware
that enforces it is api/ops_guard.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Access = Literal["open", "token", "off"]
METRICS_PATHS: Final = frozenset({"/metrics"})
DOCS_PATHS: Final = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


@dataclass(frozen=True)
class OpsAccess:
    """Access to each group, and the token that opens a token-only group."""

    metrics: Access
    docs: Access
    token: str | None = None

    def for_path(self, path: str) -> Access | None:
        """The access rule for path, or None for the product's own routes."""
        if path in METRICS_PATHS:
            return self.metrics
        if path in DOCS_PATHS:
            return self.docs
        return None
