"""Serve a built site on 127.0.0.1 under its subpath, as GitHub Pages does, for tests."""
from __future__ import annotations

import functools
import gzip
import re
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator


COMPRESSED = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".vtt")


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"
    pages = False  # answer as GitHub Pages does: gzipped text, byte ranges of media

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (self.pages and path.is_file() and self.path.split("?")[0].endswith(("/", path.name))):
            return super().send_head()
        data = path.read_bytes()
        status, headers = 200, {"Content-Type": self.guess_type(str(path)), "Cache-Control": "max-age=600"}
        ranged = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, mtime=0)
            headers["Content-Encoding"] = "gzip"
        elif ranged and (ranged[1] or ranged[2]):
            # Media players seek by asking for the bytes they need (an MP3 is not read from the start).
            size = len(data)
            first = int(ranged[1]) if ranged[1] else max(0, size - int(ranged[2]))
            last = min(int(ranged[2]), size - 1) if ranged[1] and ranged[2] else size - 1
            data = data[first:last + 1]
            status, headers["Content-Range"] = 206, f"bytes {first}-{last}/{size}"
        headers["Accept-Ranges"] = "bytes"
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(data))}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return None

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path, prefix: str, pages: bool = False) -> Iterator[str]:
    """Yield the base URL, e.g. http://127.0.0.1:PORT/sample-show/; `pages=True` answers as GitHub
    Pages does, with gzipped text and byte ranges of media."""
    handler = type("Handler", (_Handler,), {"prefix": prefix, "pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
