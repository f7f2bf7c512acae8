"""One policy for secrets, the same in every service (shared/service_settings.py applies it at start).

In development a secret may be missing: what needs it is off (admin routes, the service-token wall) or makes do (a
Spotify token key per start). In production every secret a service needs must be set to a real random value: a
missing one, or one that looks like an example ("changeme", "your-token", anything under 16 characters), stops the
service at start with an error naming the variable, before it answers anyone.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Final, Literal

from pydantic import SecretStr

Environment = Literal["development", "production"]
MIN_SECRET_LENGTH: Final = 16
# Values people paste from examples; a secret like these would let anyone in.
_PLACEHOLDERS: Final = frozenset({"changeme", "change-me", "change_me", "admin", "secret", "password", "token", "test"})
_PLACEHOLDER_WORDS: Final = ("changeme", "placeholder", "example", "your-", "xxxx")


def secret_value(secret: SecretStr | None) -> str | None:
    """The secret's value, or None when it is unset or empty."""
    return (secret.get_secret_value() if secret is not None else "") or None


def is_placeholder(value: str) -> bool:
    """Whether a secret looks like an example value rather than a real random one."""
    lowered = value.strip().lower()
    return (
        lowered in _PLACEHOLDERS
        or any(word in lowered for word in _PLACEHOLDER_WORDS)
        or len(lowered) < MIN_SECRET_LENGTH
    )


def secret_problems(environment: Environment, needed: Mapping[str, SecretStr | None]) -> list[str]:
    """In production, one sentence per needed secret (by its environment variable) that is missing or a
    placeholder; in development none."""
    if environment == "development":
        return []
    problems = []
    for variable, secret in needed.items():
        value = secret_value(secret)
        if value is None:
            problems.append(f"{variable} is not set")
        elif is_placeholder(value):
            problems.append(
                f"{variable} looks like a placeholder: use a random secret of at least {MIN_SECRET_LENGTH} characters"
            )
    return problems


def bearer_matches(authorization: str | None, secret: str) -> bool:
    """Whether an `Authorization: Bearer <token>` header carries exactly `secret`."""
    scheme, _, given = (authorization or "").partition(" ")
    # compare_digest: the time taken must not reveal how much of a guessed token was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), secret.encode())
