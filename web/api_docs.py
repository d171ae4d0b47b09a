"""/api/docs: Swagger UI served from the installed `swagger-ui-bundle` package, so it renders under our own CSP.

FastAPI's default page loads its scripts from a CDN and starts them with an inline script; our CSP allows
neither (`script-src 'self'`), and the servers have no internet anyway. Here the assets come from this server
and the start-up code is a file of its own, so the CSP needs no exception.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/api/docs"
ASSETS_URL = f"{DOCS_URL}/assets"
INIT_URL = f"{DOCS_URL}/init.js"

_PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} — API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{init}"></script>
</body>
</html>
"""

# The OpenAPI URL is read from the page, so this file never changes and holds no data.
_INIT = """window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
"""


def install(app: FastAPI, title: str, openapi_url: str) -> None:
    """Add the docs page, its start-up script and the Swagger UI assets to `app` (created with docs_url=None)."""
    assets = Path(str(swagger_ui_path))

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(_PAGE.format(title=title, assets=ASSETS_URL, init=INIT_URL, openapi_url=openapi_url))

    @app.get(INIT_URL, include_in_schema=False)
    def api_docs_init() -> Response:
        return Response(_INIT, media_type="text/javascript")

    app.mount(ASSETS_URL, StaticFiles(directory=str(assets)), name="api-docs-assets")
