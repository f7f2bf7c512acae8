"""What every service's Settings shares: where it runs, its log level, the deployment's service token, and the
secret policy (shared/secret_policy.py) checked when the settings are read, i.e. at start."""

from __future__ import annotations

from typing import Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.secret_policy import Environment, secret_problems, secret_value


class ServiceSettings(BaseSettings):
    """The base of each service's Settings (each adds its own env prefix, port and secrets)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    environment: Environment = "development"
    host: str = "127.0.0.1"
    log_level: str = "INFO"
    # One secret shared by every service of a deployment (shared/service_token.py): the internal services answer
    # only callers that send it, the gateway sends it. Unset: nothing is checked (development only).
    service_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("PRESSEDPLAY_SERVICE_TOKEN", "service_token"),
        description="The deployment's service-to-service token (PRESSEDPLAY_SERVICE_TOKEN).",
    )

    def needed_secrets(self) -> dict[str, SecretStr | None]:
        """The secrets this service needs in production, by environment variable (subclasses add theirs)."""
        return {"PRESSEDPLAY_SERVICE_TOKEN": self.service_token}

    def service_token_value(self) -> str | None:
        """The service token, or None when unset."""
        return secret_value(self.service_token)

    @model_validator(mode="after")
    def _needed_secrets_in_production(self) -> Self:
        problems = secret_problems(self.environment, self.needed_secrets())
        if problems:
            raise ValueError(f"refusing to start in production: {'; '.join(problems)}")
        return self
