"""The preview's HTTP side: what a request may see and how it is answered.

- Only requests for 127.0.0.1 or localhost (the Host header) are answered.
- The output folder is served under the site's subpath, like GitHub Pages: folders redirect to
  their slash, a missing file gets the site's own 404 page; nothing through a symbolic link or
  outside the folder is served.
- Single byte ranges, so audio players can seek.
- HTML responses (never the built files) get the reload script; /__reload answers its questions.
"""
from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs, urlsplit

if TYPE_CHECKING:
    from .devserver import DevServer

HOST = "127.0.0.1"
RELOAD_PATH = "/__reload"
# The names a browser on this machine uses for the preview, with any port (an SSH tunnel may move it). A web page
# whose own name an attacker points at 127.0.0.1 (DNS rebinding) still sends that name, so it cannot read the drafts.
LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost)(?::[0-9]{1,5})?", re.ASCII | re.IGNORECASE)
# What pages send as ?state=: ASCII digits only, since int() and str.isdigit() also take '²' or '١' (and int()
# refuses over 4,300 digits); 18 digits fit any counter.
BUILD_STATE = re.compile(r"-?[0-9]{1,18}", re.ASCII)
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
RELOAD_JS = (Path(__file__).parent / "reload.js").read_text(encoding="utf-8")

for _suffix, _type in ((".vtt", "text/vtt"), (".srt", "application/x-subrip"), (".xml", "application/xml"),
                       (".json", "application/json"), (".webmanifest", "application/manifest+json"),
                       (".m4a", "audio/mp4"), (".opus", "audio/ogg")):
    mimetypes.add_type(_type, _suffix)


def inject_reload(page: bytes, version: int) -> bytes:
    """The page with the reload script before </body> (or at the end); the script reads the build
    number and the endpoint from its data- attributes."""
    attributes = f'data-version="{version}" data-endpoint="{html.escape(RELOAD_PATH)}"'
    script = f"<script {attributes}>{RELOAD_JS}</script>\n".encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


class Handler(SimpleHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        if self.server.dev.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def translate_path(self, path: str) -> str:
        """Map /<subpath>/x to the output folder's x; anything outside the subpath maps nowhere."""
        base = self.server.dev.base_path
        url_path = urlsplit(path).path
        if not url_path.startswith(base) and url_path + "/" != base:
            return ""
        rest = "/" + url_path[len(base):]
        fs_path = SimpleHTTPRequestHandler.translate_path(self, rest)  # drops '..', also percent-encoded
        return fs_path if _inside(self.directory, fs_path) else ""

    def _respond(self, *, with_body: bool) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not LOCAL_HOST.fullmatch(hosts[0].strip()):
            status = HTTPStatus.MISDIRECTED_REQUEST if len(hosts) == 1 else HTTPStatus.BAD_REQUEST
            self._send(status, TEXT, f"{status.value}: this preview answers only requests for 127.0.0.1 or localhost\n".encode(),
                       with_body)
            return
        url = urlsplit(self.path)
        base_path = self.server.dev.base_path
        if url.path == RELOAD_PATH:
            self._send_build_state(url.query, with_body)
        elif url.path in ("", "/") and base_path != "/":
            self._redirect(base_path)
        else:
            self._send_file(url, with_body)

    def _send_build_state(self, query: str, with_body: bool) -> None:
        """/__reload?state=N: the build state, held until it differs from N (see DevServer.reload_state)."""
        values = parse_qs(query, keep_blank_values=True).get("state")
        if values is not None and (len(values) != 1 or not BUILD_STATE.fullmatch(values[0])):
            error = {"error": "state must be one whole number of at most 18 digits, e.g. ?state=3"}
            self._send(HTTPStatus.BAD_REQUEST, "application/json", json.dumps(error).encode("utf-8"), with_body)
            return
        state = self.server.dev.reload_state(after=int(values[0]) if values else None)
        self._send(HTTPStatus.OK, "application/json", json.dumps(state).encode("utf-8"), with_body)

    def _send_file(self, url: SplitResult, with_body: bool) -> None:
        fs_path = self.translate_path(self.path)
        if fs_path and os.path.isdir(fs_path):
            if not url.path.endswith("/"):
                self._redirect(url.path + "/" + (f"?{url.query}" if url.query else ""))
                return
            fs_path = os.path.join(fs_path, "index.html")
        status = HTTPStatus.OK
        if not fs_path or not self._servable(fs_path):
            status = HTTPStatus.NOT_FOUND  # like GitHub Pages: the site's own 404 page
            fs_path = str(self.server.dev.out_dir / "404.html")
            if not self._servable(fs_path):
                self._send(status, TEXT, b"404: nothing here, and no 404.html was built yet\n", with_body)
                return
        try:
            with open(fs_path, "rb") as fh:
                data = fh.read()
        except OSError:  # swapped out by a rebuild between the check and the read
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, TEXT, b"rebuilding; reload\n", with_body)
            return
        ctype = self._content_type(fs_path)
        if ctype == HTML:
            data = inject_reload(data, self.server.dev.version)
        if status == HTTPStatus.OK and self.headers.get("Range", "").startswith("bytes="):
            if self._send_range(data, ctype, with_body):
                return
        self._send(status, ctype, data, with_body, accept_ranges=True)

    def _servable(self, fs_path: str) -> bool:
        return os.path.isfile(fs_path) and _inside(self.directory, fs_path)

    def _content_type(self, fs_path: str) -> str:
        ctype = self.guess_type(fs_path)
        if ctype == "text/html":
            return HTML
        if ctype.startswith("text/") or ctype in ("application/xml", "application/json"):
            return ctype + "; charset=utf-8"
        return ctype

    def _send_range(self, data: bytes, ctype: str, with_body: bool) -> bool:
        """A single `bytes=a-b` range, so audio players can seek; False to send the whole file."""
        spec = self.headers["Range"][6:].strip()
        if "," in spec or "-" not in spec:
            return False
        first, last = spec.split("-", 1)
        size = len(data)
        try:
            if first:
                start, end = int(first), int(last) if last else size - 1
            else:
                start, end = max(0, size - int(last)), size - 1
        except ValueError:
            return False
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        end = min(end, size - 1)
        part = data[start:end + 1]
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(part)
        return True

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, ctype: str, data: bytes, with_body: bool, accept_ranges: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if accept_ranges:
            self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if with_body:
            self.wfile.write(data)


def _inside(root: str, path: str) -> bool:
    """`path` is `root` or below it, through no symbolic link: a link in the output (made by hand, or copied
    from static/) could lead anywhere on the disk."""
    parts = os.path.relpath(path, root).split(os.sep)
    if os.pardir in parts:
        return False
    current = root
    for part in parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return False
    try:
        real = os.path.realpath(path)
    except ValueError:  # a NUL or an unencodable character: no such file
        return False
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


class Server(ThreadingHTTPServer):
    """One thread per request (pages hold a /__reload request open); each serves the preview's folder."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dev: DevServer) -> None:
        self.dev = dev
        super().__init__(address, Handler)

    def finish_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        Handler(request, client_address, self, directory=str(self.dev.out_dir))

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """A browser closing a connection (a page left or reloaded, a cancelled load, a seek in audio) is
        normal, not worth a traceback; anything else is a bug and is printed as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset, ConnectionAborted
            return
        super().handle_error(request, client_address)
