"""The docs say what the code does, where a test can tell: every route a doc names is served, every setting a doc
names is read, each service's settings table lists all its settings, every path a doc names is in the repository,
the inference answer and the served graph's outputs are named as the code names them, and the README stays a
one-minute read (docs/development.md, "Docs")."""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi import FastAPI
from starlette.routing import Match

from services.inference.model.served_graph import ServedGraph
from shared.paths import REPO_ROOT
from shared.s3 import S3ClientSettings
from tests.deploy.settings_env import SERVICES
from tests.unit.docs_claims import (
    DOCS,
    Mention,
    doc_blocks,
    doc_lines,
    path_exists,
    paths_named,
    resolve,
    routes_named,
    settings_named,
    tracked_files,
)

README = REPO_ROOT / "README.md"
DOCS_DIR = REPO_ROOT / "docs"
# The page that holds each service's settings table, which says it lists every setting of the service.
SETTINGS_TABLES = {
    "gateway": DOCS_DIR / "services.md",
    "feedback": DOCS_DIR / "services.md",
    "inference": DOCS_DIR / "services-inference.md",
    "playlist": DOCS_DIR / "services-playlist.md",
}


@cache
def service_app(service: str) -> FastAPI:
    """The service's app as `create_app` builds it with default settings (no lifespan: nothing loads)."""
    app_module = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    app: FastAPI = app_module.create_app(settings_module.Settings(_env_file=None))
    return app


def served(path: str) -> bool:
    """Whether some service routes `path` (any method); `{name}` parts stand for a value, `{a,b}` for each of a, b,
    a trailing `*` for anything below."""
    if path.endswith("*"):
        return any(
            p.startswith(path[:-1]) for s in SERVICES for p in service_app(s).openapi().get("paths", {})
        ) or served(path[:-1].rstrip("/"))
    alternatives = re.search(r"\{([^}]*,[^}]*)\}", path)
    if alternatives:
        return all(served(path.replace(alternatives.group(0), one)) for one in alternatives.group(1).split(","))
    concrete = re.sub(r"\{[^}]*\}", "x1", path)
    for service in SERVICES:
        for route in service_app(service).router.routes:
            for method in ("GET", "POST", "PUT", "DELETE"):
                scope: dict[str, Any] = {
                    "type": "http",
                    "path": concrete,
                    "method": method,
                    "root_path": "",
                    "headers": [],
                }
                if route.matches(scope)[0] is Match.FULL:
                    return True
    return False


def environment_names(cls: Any) -> list[set[str]]:
    """The environment variables a Settings class reads, per field: its prefix + the field, or the field's aliases
    (`PLAYLIST_SPOTIFY_CLIENT_ID` or `SPOTIFY_CLIENT_ID`)."""
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    fields = []
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", [alias] if isinstance(alias, str) else [])
        named = {choice for choice in choices if isinstance(choice, str) and choice.isupper()}
        fields.append(named or {f"{prefix}{field_name}".upper()})
    return fields


@cache
def fields_by_service() -> dict[str, list[set[str]]]:
    return {
        service: environment_names(importlib.import_module(f"services.{service}.settings").Settings)
        for service in SERVICES
    }


def settings_by_service() -> dict[str, set[str]]:
    return {service: set().union(*fields) for service, fields in fields_by_service().items()}


@cache
def read_outside_settings() -> set[str]:
    """Names read without a Settings class: PRESSEDPLAY_* by the scripts, the Makefile and the code (tests
    included: PRESSEDPLAY_CHROMIUM), and the variables the Compose files interpolate (`${GATEWAY_PUBLISH:-...}`)."""
    sources = [REPO_ROOT / f for f in tracked_files() if Path(f).suffix in {".py", ".sh", ".yml", ".yaml", ".js"}]
    sources += [REPO_ROOT / "Makefile", REPO_ROOT / "Procfile", REPO_ROOT / "Dockerfile", REPO_ROOT / ".ci" / "run"]
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sources if p.is_file())
    return set(re.findall(r"PRESSEDPLAY_[A-Z0-9_]+", text)) | set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text))


def known_settings() -> set[str]:
    # Settings every service shares, read by their own classes (shared/s3.py's PRESSEDPLAY_S3_*).
    shared = set().union(*environment_names(S3ClientSettings))
    return set().union(*settings_by_service().values()) | shared | read_outside_settings()


def unknown(mentions: list[Mention], known: set[str]) -> list[str]:
    return sorted({f"{m.where()}: {m.text}" for m in mentions if resolve(m.text, known) is None})


def test_the_readme_is_a_one_minute_read_with_the_two_commands_first() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 100, f"README.md has {len(lines)} lines: move detail into docs/ and link it"
    first = "\n".join(lines[:30])
    for command in ("make run", "make test"):
        assert re.search(rf"^{command}\b", first, re.MULTILINE), f"`{command}` is not in the README's first 30 lines"


def test_every_route_a_doc_names_is_served() -> None:
    named = routes_named()
    assert len(named) > 50, "the docs name routes; the reading of them broke"
    missing = sorted({f"{m.where()}: {m.text}" for m in named if not served(m.text)})
    assert not missing, "routes the docs name that no service serves:\n" + "\n".join(missing)


def test_every_setting_a_doc_names_is_read_by_the_code() -> None:
    named = settings_named()
    assert len(named) > 50, "the docs name settings; the reading of them broke"
    missing = unknown(named, known_settings())
    assert not missing, "settings the docs name that no Settings class or script reads:\n" + "\n".join(missing)


@pytest.mark.parametrize("service", SERVICES)
def test_each_settings_table_lists_every_setting_of_its_service(service: str) -> None:
    page = SETTINGS_TABLES[service]
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert "lists every setting" in text, f"{page.name} no longer says it is complete"
    own = settings_by_service()[service]
    documented = {resolve(m.text, own) for m in settings_named((page,))}
    left_out = sorted(min(names) for names in fields_by_service()[service] if not names & documented)
    assert not left_out, f"{page.relative_to(REPO_ROOT)} leaves out settings of {service}: {left_out}"


def test_every_path_a_doc_names_is_in_the_repository() -> None:
    named = paths_named()
    assert len(named) > 100, "the docs name paths; the reading of them broke"
    missing = sorted({f"{m.where()}: {m.text}" for m in named if not path_exists(m.text)})
    assert not missing, "paths the docs name that the repository does not have:\n" + "\n".join(missing)


def predict_answer_fields() -> set[str]:
    """The fields of inference's answer to POST /v1/predict, from its OpenAPI document."""
    document = service_app("inference").openapi()
    answer = document["paths"]["/v1/predict"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = answer["$ref"].rsplit("/", 1)[-1]
    return set(document["components"]["schemas"][name]["properties"])


def top_level_keys(shape: str) -> set[str]:
    """The quoted keys at the outer level of a `{"a", "b"?: {"c"}}` shape."""
    keys, depth = set(), 0
    for token in re.finditer(r"[{}]|\"(\w+)\"", shape):
        if token.group(0) == "{":
            depth += 1
        elif token.group(0) == "}":
            depth -= 1
        elif depth == 1:
            keys.add(token.group(1))
    return keys


PREDICT_ANSWER: Final = re.compile(r"POST /v1/predict`?[^{]*?(?:->|Answers) `(\{[^`]*\})`")


def predict_answers_described(docs: tuple[Path, ...] = DOCS) -> list[tuple[str, set[str]]]:
    """Where a doc says what POST /v1/predict answers (`-> {...}` or `Answers {...}`), and the fields it names."""
    return [
        (f"{doc.name}:{number}", top_level_keys(match.group(1)))
        for doc, number, block in doc_blocks(docs)
        for match in PREDICT_ANSWER.finditer(block)
    ]


def test_the_predict_answer_the_docs_describe_is_the_one_served() -> None:
    described = predict_answers_described()
    assert described, "no doc describes inference's answer (services-inference.md, the API table)"
    for where, fields in described:
        assert fields == predict_answer_fields(), f"{where} describes another answer: {sorted(fields)}"


def test_the_served_graph_outputs_the_docs_name_are_the_graphs() -> None:
    claims = [line for _, _, line in doc_lines() if "served graph's outputs" in line and "ServedGraph.OUTPUTS" in line]
    assert claims, "no doc names the served graph's outputs (services-inference.md)"
    for line in claims:
        named = re.findall(r"`(\w+)`", line.split("ServedGraph.OUTPUTS", 1)[1])
        assert tuple(named) == ServedGraph.OUTPUTS, line


def test_the_reading_of_docs_finds_a_stale_claim(tmp_path: Path) -> None:
    stale = tmp_path / "stale.md"
    stale.write_text(
        "`POST /v1/predictions` reads `GATEWAY_NO_SUCH_SETTING` in `services/playlist/genre_map.py`.\n"
        "| `GATEWAY_INFERENCE_URL`, `_NOWHERE_URL` | x |\n"
        "- inference `POST /v1/predict` takes a photo\n"
        '  -> `{"features", "model_version", "attention"?: {"values"}}`\n',
        encoding="utf-8",
    )
    assert [m.text for m in routes_named((stale,)) if not served(m.text)] == ["/v1/predictions"]
    assert [m.text for m in paths_named((stale,)) if not path_exists(m.text)] == ["services/playlist/genre_map.py"]
    assert {m.text for m in settings_named((stale,)) if resolve(m.text, known_settings()) is None} == {
        "GATEWAY_NO_SUCH_SETTING",
        "GATEWAY_INFERENCE_URL|_NOWHERE_URL",
    }
    assert predict_answers_described((stale,)) == [("stale.md:3", {"features", "model_version", "attention"})]
    assert all(doc.is_file() for doc in DOCS)


def test_the_route_index_is_generated_from_the_openapi_documents() -> None:
    from tests.contract import route_index

    assert route_index.written() == route_index.render(), (
        "docs/api.md's route index is out of date: .venv/bin/python -m tests.contract.route_index --write"
    )
