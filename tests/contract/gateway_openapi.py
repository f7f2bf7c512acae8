"""The gateway's committed OpenAPI document (api/openapi.json) and what counts as a breaking change to it.

    .venv/bin/python -m tests.contract.gateway_openapi          # says whether the document is current, what broke
    .venv/bin/python -m tests.contract.gateway_openapi --write  # rewrites it (refused on a breaking change unless
                                                                # the API's major version, info.version, went up)

Breaking, for a client built against the old document: a path, a method, a field (schema property) or an enum value
removed, a field or a parameter newly required, a schema removed. Adding is never breaking.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from shared.paths import REPO_ROOT

DOCUMENT = REPO_ROOT / "api" / "openapi.json"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def current_document() -> dict[str, Any]:
    """The document the gateway serves at /openapi.json, with its default settings."""
    from services.gateway.app import create_app
    from services.gateway.settings import Settings

    document: dict[str, Any] = create_app(Settings(_env_file=None)).openapi()
    return json.loads(json.dumps(document))  # plain JSON types, as read back from the file


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def major(document: dict[str, Any]) -> int:
    return int(str(document["info"]["version"]).split(".")[0])


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a client of `old` would find broken in `new` (see the module docstring)."""
    return [*_path_changes(old, new), *_schema_changes(old, new)]


def _path_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for path, item in old.get("paths", {}).items():
        if path not in new.get("paths", {}):
            yield f"path removed: {path}"
            continue
        for method in METHODS:
            if method not in item:
                continue
            after = new["paths"][path].get(method)
            if after is None:
                yield f"method removed: {method.upper()} {path}"
                continue
            yield from _parameter_changes(f"{method.upper()} {path}", item[method], after)


def _parameter_changes(where: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    before = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
    after = {(p["in"], p["name"]): p for p in new.get("parameters", [])}
    for key in before.keys() - after.keys():
        yield f"parameter removed: {where} {key[0]} {key[1]}"
    for key, parameter in after.items():
        if parameter.get("required") and not before.get(key, {}).get("required"):
            yield f"parameter newly required: {where} {key[0]} {key[1]}"
        if key in before:
            yield from _enum_changes(f"{where} {key[1]}", before[key].get("schema", {}), parameter.get("schema", {}))


def _schema_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    before = old.get("components", {}).get("schemas", {})
    after = new.get("components", {}).get("schemas", {})
    for name, schema in before.items():
        if name not in after:
            yield f"schema removed: {name}"
            continue
        properties, now = schema.get("properties", {}), after[name].get("properties", {})
        for field in properties.keys() - now.keys():
            yield f"field removed: {name}.{field}"
        for field in set(after[name].get("required", [])) - set(schema.get("required", [])):
            yield f"field newly required: {name}.{field}"
        yield from _enum_changes(name, schema, after[name])
        for field in properties.keys() & now.keys():
            yield from _enum_changes(f"{name}.{field}", properties[field], now[field])


def _enum_values(schema: dict[str, Any]) -> set[Any]:
    values = set(schema.get("enum", []))
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            values |= _enum_values(part)
    if "items" in schema:
        values |= _enum_values(schema["items"])
    return values


def _enum_changes(where: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    remaining = _enum_values(new)
    if not remaining:  # no enum any more: any value is taken, which breaks no client
        return
    for value in sorted(_enum_values(old) - remaining, key=str):
        yield f"enum value removed: {where} {value!r}"


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or --write the committed document."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite api/openapi.json")
    parser.add_argument("--path", type=Path, default=DOCUMENT)
    args = parser.parse_args(argv)
    new = current_document()
    old = json.loads(args.path.read_text(encoding="utf-8")) if args.path.exists() else None
    broken = breaking_changes(old, new) if old is not None else []
    if broken and major(new) <= major(old or new):
        print("breaking changes (raise the major version, info.version, to make them):", *broken, sep="\n  ")
        return 1
    if not args.write:
        same = old is not None and render(old) == render(new)
        print("api/openapi.json is current" if same else "api/openapi.json is out of date: run with --write")
        return 0 if same else 1
    args.path.write_text(render(new), encoding="utf-8")
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
