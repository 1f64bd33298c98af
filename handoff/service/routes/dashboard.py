"""The supervisors' dashboard (static files) and its chart library, Chart.js, served from
the npm install in web/node_modules (``make install``), never from a CDN."""
from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import NotFound

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
CHART_JS = Path(__file__).resolve().parents[3] / "web" / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"


def blueprint() -> Blueprint:
    bp = Blueprint("dashboard")

    @bp.get("/dashboard")
    async def index(request: Request) -> HTTPResponse:
        return response.redirect("/dashboard/index.html")

    @bp.get("/dashboard/vendor/chart.umd.min.js")
    async def chart_js(request: Request) -> HTTPResponse:
        if not CHART_JS.is_file():
            raise NotFound("Chart.js is not installed: run 'make install' (npm ci in web/)")
        return await response.file(str(CHART_JS), mime_type="text/javascript")

    bp.static("/dashboard", str(DASHBOARD))
    return bp
