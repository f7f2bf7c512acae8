"""A container's environment held against its service's Settings: every name it sets is read by something (a
Settings field, by its prefix or its alias, or a library named below) and the Settings classes the service builds
validate from that environment alone (every required setting set, production's secrets present).

The Settings classes are found, not listed: every BaseSettings subclass in `services/<name>/settings.py` and in
`shared/` (the service token), so a setting added to a class, or a class added there, is checked without an edit
here. Secrets a manifest takes from a Secret stand in as random values; optional ones count as absent.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import importlib.util
import inspect
import os
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Final

from pydantic import AliasChoices, ValidationError
from pydantic_settings import BaseSettings

import shared

SERVICES: Final = ("gateway", "inference", "playlist", "feedback")
# Names read outside Settings, each by one library: boto3 (credentials, region, endpoints) and the model download
# cache (services/inference/adapters/storage.py: default_cache_dir).
READ_OUTSIDE_SETTINGS: Final = frozenset(
    {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "PRESSEDPLAY_CACHE_DIR",
    }
)


def _settings_in(module: ModuleType) -> list[type[BaseSettings]]:
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseSettings) and cls is not BaseSettings and cls.__module__ == module.__name__
    ]


def settings_classes(service: str) -> list[type[BaseSettings]]:
    """The Settings classes a service builds: its own module's and shared/'s."""
    found = _settings_in(importlib.import_module(f"services.{service}.settings"))
    for info in pkgutil.iter_modules(shared.__path__):
        source = importlib.util.find_spec(f"shared.{info.name}")
        origin = source.origin if source else None
        if origin and "BaseSettings" in Path(origin).read_text(encoding="utf-8"):  # import only modules with settings
            found += _settings_in(importlib.import_module(f"shared.{info.name}"))
    return found


def accepted_names(cls: type[BaseSettings]) -> set[str]:
    """The environment names a Settings class reads: prefix + field, or the field's aliases."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {choice for choice in alias.choices if isinstance(choice, str)}
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(f"{prefix}{field_name}".upper())
    return {name.upper() for name in names}


@contextlib.contextmanager
def only_environment(env: Mapping[str, str]) -> Iterator[None]:
    """os.environ is exactly `env` inside (the process's own settings cannot leak into the check)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def stand_in_secret() -> str:
    """A random value as a Secret would hold: 32 random bytes, urlsafe base64 (also a valid Fernet key)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def env_problems(service: str, env: Mapping[str, str]) -> list[str]:
    """What is wrong with a service container's environment: unknown names, Settings that do not validate."""
    classes = settings_classes(service)
    accepted = set().union(*(accepted_names(cls) for cls in classes)) | READ_OUTSIDE_SETTINGS
    problems = [
        f"{service}: {name} is read by no setting of the service" for name in sorted(env) if name not in accepted
    ]
    with only_environment(env):
        for cls in classes:
            try:
                cls(_env_file=None)
            except ValidationError as exc:
                problems.append(f"{service}: {cls.__module__}.{cls.__name__} refuses this environment: {exc}")
    return problems
