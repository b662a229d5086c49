"""Pages stay light and self-contained: small home and episode pages, fingerprinted CSS and JS, sized images,
nothing loaded from other hosts, and audio that fetches only its metadata until the listener presses play."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html

from conftest import SAMPLE_BASE

PREFIX = urlsplit(SAMPLE_BASE).path  # /sample-show/
LIMIT = 60 * 1024
FINGERPRINT = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})\.(css|js)$")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def local_file(site: Path, ref: str) -> Path:
    path = urlsplit(ref).path
    assert path.startswith(PREFIX), f"{ref} is not under {PREFIX}"
    return site / path[len(PREFIX):]


def page_loads(site: Path, page: Path) -> list[Path]:
    """The page and the CSS, JS and JSON it loads (audio, captions and images are not page weight)."""
    doc = html.fromstring(page.read_bytes())
    refs = doc.xpath("//link[contains(concat(' ', @rel, ' '), ' stylesheet ')]/@href | //script/@src | //*/@data-index")
    return [page] + [local_file(site, ref) for ref in refs]


def test_home_and_episode_pages_weigh_under_60_kb(built_sample: Path):
    for name in ("index.html", "episodes/first-steps/index.html"):
        files = page_loads(built_sample, built_sample / name)
        total = sum(f.stat().st_size for f in files)
        print(f"{name}: {total} bytes in {len(files)} requests: {[f.name for f in files]}")
        assert total < LIMIT, f"{name} loads {total} bytes: {[(f.name, f.stat().st_size) for f in files]}"
    # search.json is the heaviest thing any page fetches; it too must stay within the budget.
    search = page_loads(built_sample, built_sample / "search/index.html")
    assert any(f.name == "search.json" for f in search)
    assert sum(f.stat().st_size for f in search) < LIMIT


def test_css_and_js_are_fingerprinted_by_their_content(built_sample: Path):
    assets = sorted(p for p in built_sample.rglob("*") if p.suffix in (".css", ".js"))
    assert {p.suffix for p in assets} == {".css", ".js"}
    for asset in assets:
        m = FINGERPRINT.match(asset.name)
        assert m, f"{asset.name} has no content hash in its name"
        assert m["hash"] == hashlib.sha256(asset.read_bytes()).hexdigest()[:10], f"{asset.name}: the hash does not match the content"
    for page in pages(built_sample):
        doc = html.fromstring(page.read_bytes())
        for ref in doc.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
            assert FINGERPRINT.match(Path(urlsplit(ref).path).name) and local_file(built_sample, ref).is_file(), f"{page}: {ref}"


def test_every_image_has_width_and_height(built_sample: Path):
    for page in pages(built_sample):
        for img in html.fromstring(page.read_bytes()).iter("img"):
            assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), f"{page}: {html.tostring(img)[:120]!r}"


def test_nothing_is_loaded_from_other_hosts(built_sample: Path):
    """Scripts, styles, fonts, icons and images come from the site itself (links and audio may point elsewhere)."""
    loaded = ("//script/@src | //link[not(@rel='canonical' or @rel='alternate')]/@href | //img/@src | //img/@srcset"
              " | //source/@srcset | //iframe/@src | //object/@data | //embed/@src | //*/@style | //style/text()")
    for page in pages(built_sample):
        doc = html.fromstring(page.read_bytes())
        for ref in doc.xpath(loaded):
            assert not re.search(r"(https?:)?//", ref), f"{page.relative_to(built_sample)} loads {ref} from another host"
    for css in built_sample.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", css.read_text()):
            assert not re.match(r"(https?:)?//", "".join(ref)), f"{css.name} loads {ref}"


def test_audio_preloads_only_metadata(built_sample: Path):
    players = 0
    for page in sorted(built_sample.glob("episodes/*/index.html")):
        for audio in html.fromstring(page.read_bytes()).iter("audio"):
            players += 1
            assert audio.get("preload") == "metadata", f"{page}: <audio preload={audio.get('preload')}>"
    assert players >= 3
