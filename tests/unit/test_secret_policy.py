"""One secret policy (shared/secret_policy.py, applied by shared/service_settings.py): in production each service
refuses to start without every secret it needs, or with a placeholder in its place, and names the variable; in
development a missing secret only turns off what needs it."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError

from services.feedback.settings import Settings as FeedbackSettings
from services.gateway.settings import Settings as GatewaySettings
from services.inference.settings import Settings as InferenceSettings
from services.playlist.settings import Settings as PlaylistSettings
from shared.secret_policy import bearer_matches, is_placeholder
from shared.service_settings import ServiceSettings

SERVICE_TOKEN = "PRESSEDPLAY_SERVICE_TOKEN"
# Each service's Settings and the secrets it needs in production besides the service token.
NEEDS = {
    "gateway": (GatewaySettings, {}),
    "inference": (InferenceSettings, {"INFERENCE_ADMIN_TOKEN": "admin_token"}),
    "feedback": (FeedbackSettings, {"FEEDBACK_ADMIN_TOKEN": "admin_token"}),
    "playlist": (PlaylistSettings, {"PLAYLIST_TOKEN_KEY": "token_key"}),
}
PLAYLIST_SPOTIFY = {"spotify_client_id": "a-client-id"}  # the token key is needed once Spotify sign-in is on


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (SERVICE_TOKEN, "SPOTIFY_CLIENT_ID", "PLAYLIST_SPOTIFY_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    for prefix in ("GATEWAY", "INFERENCE", "FEEDBACK", "PLAYLIST"):
        for name in ("ENVIRONMENT", "ADMIN_TOKEN", "TOKEN_KEY"):
            monkeypatch.delenv(f"{prefix}_{name}", raising=False)


def real_values(service: str) -> dict[str, object]:
    """Every needed secret set to a real random value."""
    values: dict[str, object] = {"service_token": secrets.token_urlsafe(32)}
    for variable, field in NEEDS[service][1].items():
        values[field] = (
            Fernet.generate_key().decode() if variable == "PLAYLIST_TOKEN_KEY" else secrets.token_urlsafe(24)
        )
    return {**values, **(PLAYLIST_SPOTIFY if service == "playlist" else {})}


def build(service: str, **values: object) -> ServiceSettings:
    settings_class = NEEDS[service][0]
    return settings_class(_env_file=None, environment="production", **values)


@pytest.mark.parametrize("service", sorted(NEEDS))
def test_production_starts_with_every_needed_secret_set(service: str) -> None:
    assert build(service, **real_values(service)).environment == "production"


@pytest.mark.parametrize(
    ("service", "variable"),
    [(service, variable) for service, (_, needs) in sorted(NEEDS.items()) for variable in [SERVICE_TOKEN, *needs]],
)
def test_production_refuses_a_missing_secret_and_names_it(service: str, variable: str) -> None:
    values = real_values(service)
    values.pop("service_token" if variable == SERVICE_TOKEN else NEEDS[service][1][variable])
    with pytest.raises(ValidationError, match=f"{variable} is not set"):
        build(service, **values)


@pytest.mark.parametrize(
    ("service", "variable"),
    [(service, variable) for service, (_, needs) in sorted(NEEDS.items()) for variable in [SERVICE_TOKEN, *needs]],
)
@pytest.mark.parametrize("placeholder", ["changeme", "your-token-here-please", "short"])
def test_production_refuses_a_placeholder_secret_and_names_it(service: str, variable: str, placeholder: str) -> None:
    values = real_values(service)
    field = "service_token" if variable == SERVICE_TOKEN else NEEDS[service][1][variable]
    if variable == "PLAYLIST_TOKEN_KEY":  # a Fernet key that is a placeholder is not a Fernet key either
        with pytest.raises(ValidationError, match="PLAYLIST_TOKEN_KEY must be a Fernet key"):
            build(service, **{**values, field: placeholder})
        return
    with pytest.raises(ValidationError, match=f"{variable} looks like a placeholder"):
        build(service, **{**values, field: placeholder})


def test_the_refusal_names_every_missing_secret_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        build("inference")
    assert "PRESSEDPLAY_SERVICE_TOKEN is not set" in str(refused.value)
    assert "INFERENCE_ADMIN_TOKEN is not set" in str(refused.value)


def test_production_playlist_without_spotify_needs_no_token_key() -> None:
    settings = build("playlist", service_token=secrets.token_urlsafe(32))
    assert isinstance(settings, PlaylistSettings) and settings.token_key is None


@pytest.mark.parametrize("service", sorted(NEEDS))
def test_development_starts_without_secrets(service: str) -> None:
    settings = NEEDS[service][0](_env_file=None)
    assert settings.environment == "development" and settings.service_token_value() is None


def test_the_service_token_is_read_from_the_environment_by_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVICE_TOKEN, "a-token-from-the-environment")
    for settings_class, _ in NEEDS.values():
        assert settings_class(_env_file=None).service_token_value() == "a-token-from-the-environment"


def test_the_environment_variable_decides_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="FEEDBACK_ADMIN_TOKEN is not set"):
        FeedbackSettings(_env_file=None, service_token=SecretStr(secrets.token_urlsafe(32)))


def test_placeholders_and_bearer_headers() -> None:
    assert is_placeholder("changeme") and is_placeholder("an-example-token-value") and is_placeholder("x" * 15)
    assert not is_placeholder(secrets.token_urlsafe(24))
    assert bearer_matches("Bearer s3cret-value", "s3cret-value") and bearer_matches(
        "bearer  s3cret-value", "s3cret-value"
    )
    assert not bearer_matches("Bearer s3cret-valu", "s3cret-value") and not bearer_matches(None, "s3cret-value")
    assert not bearer_matches("Basic s3cret-value", "s3cret-value")
