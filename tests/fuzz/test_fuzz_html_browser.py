"""The HTML report as a real browser renders it: hostile response content stays text."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from items_api import TOKEN, build_app

from oaskit.fuzz import FuzzOptions, FuzzRun, format_html, run_fuzz

MakeOptions = Callable[..., FuzzOptions]
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs a headless browser: chromium (Debian package `chromium`)"
)
TITLE = "oaskit fuzz: items"
REPLAY = ("oaskit", "fuzz", "--spec", "items.json", "--url", "http://127.0.0.1:8000")
# Each would retitle the page if the browser ran it: as an element, as an attribute handler,
# and breaking out of an attribute value.
BODY = (
    "<script>document.title='pwned'</script>"
    "<img src=x onerror=\"document.title='pwned'\">"
    "<svg onload=\"document.title='pwned'\"></svg>"
)
HEADER = "\"><script>document.title='pwned'</script>"
# The browser gets as long as it needs; this only keeps a wedged one from hanging the suite.
BROWSER_LIMIT = 120


def hostile_app() -> FastAPI:
    """The items API with a planted 500 whose body and headers are markup and scripts."""
    app = build_app("server_error")

    @app.middleware("http")
    async def hostile(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if response.status_code != 500:
            return response
        return JSONResponse({"detail": BODY}, status_code=500, headers={"X-Evil": HEADER})

    return app


@pytest.fixture
def page(tmp_path: Path, make_options: MakeOptions) -> Path:
    report = run_fuzz(make_options(), app=hostile_app())
    # The precondition: the failure quotes the hostile body.
    assert any(
        failure.response is not None and "<script>" in (failure.response.body or "")
        for failure in report.failures
    )
    path = tmp_path / "report.html"
    html = format_html([FuzzRun("items", report, replay_argv=REPLAY)], title=TITLE)
    path.write_text(html, encoding="utf-8")
    return path


def chromium(*arguments: str, profile: Path) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            # Tests run as root in containers, where the sandbox cannot start.
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_LIMIT,
        check=True,
    )
    return done.stdout


def test_keeps_hostile_response_as_text_when_a_browser_renders_the_report(
    page: Path, tmp_path: Path
) -> None:
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")

    # No injected handler or script ran: the title is the report's own.
    assert re.search(r"<title>(.*?)</title>", dom, re.S).group(1) == TITLE  # type: ignore[union-attr]
    # None of it became an element: one script (the page's), no image, no svg.
    assert dom.count("<script") == 1
    assert "<img" not in dom
    assert "<svg" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    # The page's own script ran under its Content-Security-Policy, so its hash is right.
    assert re.search(r'<html lang="en" class="js">', dom)
    # The failure, its request and response, and the commands to reproduce it.
    assert "Server error" in dom
    assert "not_a_server_error" in dom
    assert "curl -X POST -H 'Authorization: ***'" in dom
    assert "--include operation-id:createItem" in dom
    assert TOKEN not in dom


def test_draws_a_full_page_when_a_browser_takes_a_screenshot(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"

    chromium(
        f"--screenshot={shot}",
        "--window-size=1280,1600",
        "--hide-scrollbars",
        page.as_uri(),
        profile=tmp_path / "profile",
    )

    data = shot.read_bytes()
    # PNG signature, then the IHDR chunk's width and height (RFC 2083 section 4.1.1).
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 1600)
    # An empty page compresses to a few kilobytes; a rendered report with text, tables and
    # coloured bars does not.
    assert len(data) > 50_000
