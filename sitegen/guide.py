"""The printable drill guide: QR codes for the cards and the PDF, from the same HTML as /guide/."""
from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .problems import BuildError, Problem
from .urls import Urls

PAPER_CSS = {"a4": "A4", "letter": "letter"}
PAPER_LABELS = {"a4": "A4", "letter": "US Letter"}


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code (medium error correction survives a crumpled printout)."""
    import segno

    return Markup(segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True, title=f"QR code for {url}"))


def pdf_file_name(stem: str, paper: str) -> str:
    return f"{stem}-{paper}.pdf"


def build_guide_pdf(html: str, paper: str, urls: Urls, copies: dict[str, Path], epoch: int) -> bytes:
    """Render the guide's HTML to PDF with WeasyPrint; assets come from the build, never the network."""
    try:
        import weasyprint
    except OSError as exc:  # Pango or its friends are missing from the system
        raise BuildError([Problem("templates/guide.html", 0,
                                  f"the PDF guide needs the Pango library ({exc}); install it: "
                                  "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (see README)")]) from None

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not url.startswith(urls.base):
                raise ValueError(f"the guide may only use the site's own files, not {url}")
            name = url[len(urls.base):].split("#")[0].split("?")[0]
            data = copies[name].read_bytes()
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    doc = weasyprint.HTML(string=html, base_url=urls.absolute("guide/"), url_fetcher=SiteFetcher(fail_on_errors=True))
    paper_css = weasyprint.CSS(string=f"@page {{ size: {PAPER_CSS[paper]}; }}")
    # A fixed identifier (from the content) keeps two builds byte-for-byte identical.
    ident = hashlib.sha256(html.encode() + paper.encode()).hexdigest()[:32].encode()
    # fontTools stamps subset fonts with "now" unless SOURCE_DATE_EPOCH pins it (to the content's date).
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        return doc.write_pdf(stylesheets=[paper_css], pdf_identifier=ident, custom_metadata=False)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
