"""`pressedplay`: the one command for every offline job.

Each module in pipeline/commands/ defines `register(subparsers)` and adds its subcommands with a `func(args) -> int`
default. Modules import heavy libraries (torch, pandas) inside their handlers so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from pipeline import commands
from shared.errors import ServiceError


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full argument parser, with every discovered subcommand (or the one group `only`: an image that has one
    group's dependencies, not every command's, e.g. the model-pack image's `model`)."""
    parser = argparse.ArgumentParser(
        prog="pressedplay",
        description="PRESSED / PLAY offline jobs: catalog, genre map, recommendations, data, training, evaluation.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if only is not None and module_info.name != only:
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, *, only: str | None = None) -> int:
    """Entry point: parse, run the chosen command, turn known errors into a one-line message and exit code 2."""
    parser = build_parser(only)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ServiceError as exc:
        print(f"pressedplay: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"pressedplay: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pressedplay: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
