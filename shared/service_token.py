"""The service-to-service token: the internal services (inference, playlist, feedback) answer only callers that send it.

One secret, PRESSEDPLAY_SERVICE_TOKEN, shared by every service of a deployment (scripts/run-local.sh makes one per
`make run`; Compose requires it), read by each service's Settings (shared/service_settings.py: required in
production). The gateway's ServiceClient sends it as X-Service-Token; an internal service refuses a request without
it (401 `Unauthorized`, shared/web/service_token.py), except /healthz and /readyz, which probes and the supervisor
call. Unset, nothing is checked (a developer running one service by hand). It is a second wall behind the loopback /
private-network binding: a process on the host, or a container on the network, can no longer post a forged rating.
"""

from __future__ import annotations

from typing import Final

SERVICE_TOKEN_HEADER: Final = "X-Service-Token"
OPEN_PATHS: Final = frozenset({"/healthz", "/readyz"})
