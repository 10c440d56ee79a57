"""The interactive API documentation at /docs: Swagger UI from the package itself, under a CSP.

FastAPI's own page loads whatever `swagger-ui-dist@5` a CDN serves today, with an inline
script, and renders blank on an intranet without internet access. This page loads one exact
release bundled in `static/swagger-ui/` (the files of the npm package swagger-ui-dist at
:data:`SWAGGER_UI_VERSION`, unchanged, with their Apache-2.0 licence and notice; a test
compares them with the package), checks them with Subresource Integrity hashes, starts them
from the site's own `static/docs.js`, and :data:`DOCS_CSP` allows this site's files and
nothing else. `/redoc` leads here: ReDoc's bundle injects its styles at run time and starts
a web worker from a `blob:` address, which this policy (rightly) refuses, and it would be a
second 1 MB bundle describing the same document.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import HTMLResponse, RedirectResponse

from edicalendar.web.render import render_text

SWAGGER_UI_VERSION = "5.35.0"
#: Where the bundled files are served (the app's `/static` mount).
SWAGGER_ROOT = "/static/swagger-ui"
#: file name -> SRI hash of the file in the npm package swagger-ui-dist@VERSION
SWAGGER_FILES = {
    "swagger-ui-bundle.js": (
        "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"
    ),
    "swagger-ui.css": "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
}
DOCS_CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; "
    b"img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'none'; "
    b"frame-ancestors 'none'; base-uri 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(
        render_text(
            "docs.html",
            title="JSON API",
            script=f"{SWAGGER_ROOT}/swagger-ui-bundle.js",
            script_hash=SWAGGER_FILES["swagger-ui-bundle.js"],
            style=f"{SWAGGER_ROOT}/swagger-ui.css",
            style_hash=SWAGGER_FILES["swagger-ui.css"],
        )
    )


@router.get("/redoc")
def redoc() -> RedirectResponse:
    """ReDoc is not served (see the module's docstring): the same document is at /docs."""
    return RedirectResponse("/docs", status_code=301)
