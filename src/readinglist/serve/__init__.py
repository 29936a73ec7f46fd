"""Preview the site while editing: build, serve on 127.0.0.1, rebuild on change, reload.

``serve_site`` (``watch``) builds the site, serves the output folder on the
loopback interface (``http``) and rebuilds whenever anything under the content
folder or the templates changes. Every HTML page it serves gets one small
script (``live``) that asks the server for news and is answered as soon as a
rebuild is recorded: after a good rebuild the page reloads itself; after a
failed one it shows the problems over the page while the last good site stays
served, because a failed build writes nothing. Only served
HTML is touched; the files on disk are exactly what ``readinglist build``
writes. Nothing here prints: what happens goes to the ``report`` callback.
"""

from __future__ import annotations

from readinglist.serve.http import HOST, ServeLimits, preview_server
from readinglist.serve.live import (
    LIVE_PREFIX,
    SCRIPT_PATH,
    STATUS_PATH,
    LiveState,
    Status,
    inject_live_script,
)
from readinglist.serve.watch import ServeEvent, changed_files, serve_site, watched_paths

__all__ = [
    "HOST",
    "LIVE_PREFIX",
    "SCRIPT_PATH",
    "STATUS_PATH",
    "LiveState",
    "ServeEvent",
    "ServeLimits",
    "Status",
    "changed_files",
    "inject_live_script",
    "preview_server",
    "serve_site",
    "watched_paths",
]
