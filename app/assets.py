"""The page's static files under content-hashed URLs, gzipped once.

``/static/js/main.js?v=<hash>`` names one version of a file: the hash is of its
bytes, so a release changes the URL of every file it changes, and a browser may
keep each version for a year without asking again. The same path with another
``v`` (a page from before a release) or none is still served, marked
``no-cache``, so an old URL can never be cached with new bytes. ES modules
import each other by plain relative paths; ``import_map()`` (in base.html) maps
those onto hashed URLs, so one page never mixes two releases' modules.

Files are read and hashed when the app is built (so an edited file is served
after a restart) and compressed at most once each, on first request (gzip level
9, ~50 ms for Plotly), then kept in memory.
"""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

PREFIX = "/static/"
HASH_CHARS = 16
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
# Explicit where the system's MIME table may differ (JS as application/javascript).
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}


@dataclass
class Asset:
    body: bytes
    hash: str
    media_type: str

    @cached_property
    def gzipped(self) -> bytes | None:
        """The body gzipped, or None where that does not make it smaller."""
        # mtime=0: the same bytes every time, as a cached response should be.
        packed = gzip.compress(self.body, compresslevel=9, mtime=0)
        return packed if len(packed) < len(self.body) else None


class Assets:
    """Every file under ``root``, served at ``PREFIX`` + its relative path."""

    def __init__(self, root: Path) -> None:
        self._files = {
            path.relative_to(root).as_posix(): _read(path)
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    def url(self, path: str) -> str:
        """The hashed URL of ``path`` (relative to the static folder)."""
        return f"{PREFIX}{path}?v={self._files[path].hash}"

    def import_map(self) -> dict[str, dict[str, str]]:
        """Every ES module's plain URL mapped to its hashed one."""
        modules = [path for path in self._files if path.startswith("js/")]
        return {"imports": {PREFIX + path: self.url(path) for path in modules}}

    async def respond(self, request: Request) -> Response:
        path = request.path_params["path"]
        asset = self._files.get(path)
        if asset is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        current = request.query_params.get("v") == asset.hash
        headers = {
            "Cache-Control": IMMUTABLE if current else NO_CACHE,
            "ETag": f'"{asset.hash}"',
            "Vary": "Accept-Encoding",
        }
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)  # a no-cache URL, unchanged
        body = asset.body
        if "gzip" in request.headers.get("accept-encoding", "") and asset.gzipped is not None:
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
        return Response(body, headers=headers, media_type=asset.media_type)


def _read(path: Path) -> Asset:
    body = path.read_bytes()
    media_type = MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    return Asset(
        body,
        hashlib.sha256(body).hexdigest()[:HASH_CHARS],
        media_type or "application/octet-stream",
    )
