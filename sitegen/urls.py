"""Every URL the site prints comes from here, so a subpath (/retro-stride/) is never forgotten."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .models import tag_url
from .convert import tag_slug


@dataclass(frozen=True, slots=True)
class Urls:
    base: str  # absolute, ends with "/"
    assets: tuple[tuple[str, str], ...] = ()  # (static path, fingerprinted path)

    @property
    def base_path(self) -> str:
        return urlsplit(self.base).path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    def path(self, target: str = "") -> str:
        """Site-absolute path for links inside pages: '/retro-stride/episodes/x/'."""
        if "://" in target:  # media hosted elsewhere
            return target
        return self.base_path + _encode(target.lstrip("/"))

    def absolute(self, target: str = "") -> str:
        """Full URL for anything read out of context: feeds, sitemap, canonical, Open Graph."""
        if "://" in target:
            return target
        return self.base + _encode(target.lstrip("/"))

    def tag(self, name: str) -> str:
        """Path of a tag's page; the folder is the tag's slug, which may be in any script."""
        return self.path(tag_url(tag_slug(name)))

    def asset(self, target: str) -> str:
        """Path of a static file, fingerprinted when it is CSS or JS."""
        return self.path(dict(self.assets).get(target, target))

    def absolutize_html(self, html: str) -> str:
        """Make the site-absolute links in rendered HTML absolute, for feed readers."""
        return re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{self.origin}/', html)


def _encode(target: str) -> str:
    """Percent-encode what a URL cannot hold as is (non-ASCII letters of a tag, spaces of a
    file name) as UTF-8; ASCII punctuation, '%' included, is left as written."""
    if target.isascii() and target.isprintable() and " " not in target:  # nearly every link: no regex
        return target
    return _UNSAFE.sub(lambda m: quote(m.group()), target)


_UNSAFE = re.compile(r"[^\x21-\x7e]+")
