"""`pressedplay feedback export|report`: ratings out of the store into Parquet; the like rate per model version."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `feedback` command group."""
    parser = subparsers.add_parser("feedback", help="export ratings to Parquet; like rate per model version")
    actions = parser.add_subparsers(dest="feedback_command", metavar="ACTION")
    actions.required = True
    export = actions.add_parser(
        "export",
        help="page through the whole rating store (FEEDBACK_* settings) into Parquet",
        description="Reads the store the FEEDBACK_* environment names (FEEDBACK_STORE=sqlite|dynamodb, "
        "FEEDBACK_DYNAMODB_TABLE, FEEDBACK_DYNAMODB_ENDPOINT_URL, FEEDBACK_PHOTO_STORE ...). Deletes nothing "
        "unless --delete, and then only the ratings it wrote, each only if unchanged since.",
    )
    export.add_argument("--out", type=Path, required=True, help="folder for ratings-*.parquet + manifest.json")
    export.add_argument("--page-size", type=int, default=500, help="ratings per store page and file (default 500)")
    export.add_argument("--delete", action="store_true", help="delete exactly the exported ratings afterwards")
    export.set_defaults(func=_export)
    report = actions.add_parser("report", help="like rate per model version with a 95 %% interval, and a PNG")
    report.add_argument("export", type=Path, help="a folder written by `feedback export`")
    report.add_argument("--png", type=Path, default=None, help="write the plot here (default EXPORT/like-rate.png)")
    report.add_argument("--json", action="store_true", help="print JSON instead of a table")
    report.set_defaults(func=_report)


def _export(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from services.feedback.export import export_to_dir
    from services.feedback.settings import Settings
    from services.feedback.stores import build_photo_store, build_store

    if args.page_size < 1:
        raise SystemExit("pressedplay: error: --page-size must be at least 1")
    settings = Settings()

    async def run() -> dict[str, object]:
        store = build_store(settings)
        try:
            result = await export_to_dir(
                store, build_photo_store(settings), args.out, page_size=args.page_size, delete=args.delete
            )
        finally:
            await store.close()
        return {"count": result.count, "files": len(result.files), "deleted": result.deleted, "out": str(args.out)}

    print(json.dumps(asyncio.run(run())))
    return 0


def _report(args: argparse.Namespace) -> int:
    import json

    from pipeline.feedback.report import like_rates, plot, render
    from services.feedback.export import read_export

    if not args.export.is_dir():
        raise SystemExit(f"pressedplay: error: {args.export} is not an export folder")
    rates = like_rates(read_export(args.export))
    png = plot(rates, args.png or args.export / "like-rate.png")
    if args.json:
        print(json.dumps({"versions": [r.as_dict() for r in rates], "png": str(png)}, indent=2))
    else:
        print(render(rates))
        print(f"plot: {png}")
    return 0
