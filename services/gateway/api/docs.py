"""The API docs, /docs (Swagger UI) and /redoc (ReDoc), from files the gateway serves itself: they load with no
network beyond the gateway (FastAPI's defaults fetch both from a CDN, and offline /docs was a blank page).

The viewers' code comes from the `fastapi-offline` package (Swagger UI 5 and ReDoc 2, Apache-2.0 and MIT), mounted
at /docs-assets/; the few lines that start them are our own files (static/docs/), because the docs pages' CSP, like
the page's, allows no inline script (security_headers.DOCS_CSP).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

VIEWERS_DIR: Final = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL: Final = "/docs-assets"
# ReDoc's footer shows Redocly's logo from their CDN: offline (and under the CSP) a blocked request and a console
# error. The bundle is served with that one address pointed at our own icon instead.
REDOC_CDN_LOGO: Final = b"https://cdn.redoc.ly/redoc/logo-mini.svg"

_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PRESSED / PLAY API: {viewer}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
{stylesheet}
</head>
<body>
<div id="{root}" data-openapi="{openapi}"></div>
<script src="{assets}/{bundle}"></script>
<script src="/static/docs/{starter}"></script>
</body>
</html>
"""


def docs_page(*, viewer: str, openapi_url: str) -> str:
    """The HTML of /docs ("swagger") or /redoc ("redoc"): the viewer's bundle, then our starter script."""
    if viewer == "swagger":
        return _PAGE.format(
            viewer="Swagger UI",
            stylesheet=f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">',
            root="swagger-ui",
            openapi=openapi_url,
            assets=ASSETS_URL,
            bundle="swagger-ui-bundle.js",
            starter="swagger.js",
        )
    return _PAGE.format(
        viewer="ReDoc",
        stylesheet="",
        root="redoc",
        openapi=openapi_url,
        assets=ASSETS_URL,
        bundle="redoc.standalone.js",
        starter="redoc.js",
    )


def install_api_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and the viewers' files on an app created with docs_url=None and redoc_url=None."""
    openapi_url = app.openapi_url or "/openapi.json"
    swagger, redoc = (
        docs_page(viewer="swagger", openapi_url=openapi_url),
        docs_page(viewer="redoc", openapi_url=openapi_url),
    )
    redoc_bundle = (VIEWERS_DIR / "redoc.standalone.js").read_bytes().replace(REDOC_CDN_LOGO, b"/static/favicon.svg")

    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    async def redoc_script() -> Response:
        return Response(redoc_bundle, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})

    app.mount(ASSETS_URL, StaticFiles(directory=VIEWERS_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.get("/redoc", include_in_schema=False)
    async def redoc_page() -> HTMLResponse:
        return HTMLResponse(redoc)
