"""Regenerate the screenshots of the docs: ``python -m tests.dashboard_screenshot``.

Starts a server, makes ``dashboard_world``'s state (a run of every status, a run
group with a queue, a batch, a cache, stores), opens the timeline of the failed run
in headless Chromium and writes ``docs/images/dashboard.png``; then shows what a
notebook displays for the server's control object (``_repr_html_``) and the failed
run's ``timeline`` and writes ``docs/images/notebook.png``.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

from botocore.config import Config

from omics_mock.pytest_plugin import omics_client_for
from omics_mock.server import ThreadedServer

from .browser import Browser, find_chromium
from .dashboard_world import populate

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def capture(images: Path = IMAGES) -> list[Path]:
    executable = find_chromium()
    if executable is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    with ThreadedServer() as server:
        client = omics_client_for(endpoint_url=server.url, config=Config(inject_host_prefix=False))
        world = populate(client, server.control)
        browser = Browser(executable)
        try:
            page = browser.open(server.url + "/_omics_mock/", width=1360, height=800)
            page.wait_for("document.querySelectorAll('tr.run').length > 0")
            page.click(f'tr.run[data-run="{world.runs["FAILED"]}"] a[data-action=select]')
            page.wait_for("document.querySelectorAll('.gantt .task-bar').length > 0")
            images.mkdir(parents=True, exist_ok=True)
            dashboard = images / "dashboard.png"
            dashboard.write_bytes(page.screenshot())
            shown = server.control._repr_html_()
            shown += server.control.runs.timeline(world.runs["FAILED"])._repr_html_()
            document = f'<!DOCTYPE html><html><body style="margin:12px">{shown}</body></html>'
            url = "data:text/html;base64," + base64.b64encode(document.encode()).decode()
            notebook = images / "notebook.png"
            notebook.write_bytes(browser.open(url, width=900, height=400).screenshot())
        finally:
            browser.close()
    return [dashboard, notebook]


if __name__ == "__main__":
    for written in capture(Path(sys.argv[1]) if len(sys.argv) > 1 else IMAGES):
        print(f"wrote {written}")
