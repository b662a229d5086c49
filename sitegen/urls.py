"""Every URL the site prints comes from here, so a subpath (/retro-stride/) is never forgotten."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


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
        return self.base_path + target.lstrip("/")

    def absolute(self, target: str = "") -> str:
        """Full URL for anything read out of context: feeds, sitemap, canonical, Open Graph."""
        if "://" in target:
            return target
        return self.base + target.lstrip("/")

    def asset(self, target: str) -> str:
        """Path of a static file, fingerprinted when it is CSS or JS."""
        return self.path(dict(self.assets).get(target, target))

    def absolutize_html(self, html: str) -> str:
        """Make the site-absolute links in rendered HTML absolute, for feed readers."""
        return re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{self.origin}/', html)
