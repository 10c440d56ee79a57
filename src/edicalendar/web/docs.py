"""The interactive API documentation at /docs: Swagger UI, pinned and checked, under a CSP.

FastAPI's own page loads whatever `swagger-ui-dist@5` a CDN serves today, with an inline
script, so the page had to go without a Content-Security-Policy. This page loads one exact
release with Subresource Integrity hashes (a changed file is refused by the browser), starts
it from the site's own `static/docs.js`, and :data:`DOCS_CSP` allows exactly those files and
nothing else. The hashes are those of the files in the npm package of that release, which
the CDN serves unchanged (a test compares them).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import HTMLResponse

from edicalendar.web.render import render_text

SWAGGER_UI_VERSION = "5.35.0"
_CDN = f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{SWAGGER_UI_VERSION}"
#: file name -> (address, SRI hash of the file in the npm package swagger-ui-dist@VERSION)
SWAGGER_FILES = {
    "swagger-ui-bundle.js": (
        f"{_CDN}/swagger-ui-bundle.js",
        "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
    ),
    "swagger-ui.css": (
        f"{_CDN}/swagger-ui.css",
        "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
    ),
}
DOCS_CSP = (
    "default-src 'none'; "
    f"script-src 'self' {SWAGGER_FILES['swagger-ui-bundle.js'][0]}; "
    f"style-src 'self' {SWAGGER_FILES['swagger-ui.css'][0]}; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
).encode("ascii")

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    script, script_hash = SWAGGER_FILES["swagger-ui-bundle.js"]
    style, style_hash = SWAGGER_FILES["swagger-ui.css"]
    return HTMLResponse(
        render_text(
            "docs.html",
            title="JSON API",
            script=script,
            script_hash=script_hash,
            style=style,
            style_hash=style_hash,
        )
    )
