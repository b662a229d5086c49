"""The built sample site in a real browser (Debian's headless Chromium, driven by Playwright).

axe-core finds no serious or critical problem in light or dark mode, the episode player loads and its chapter
links seek it, the keyboard reaches the skip link first, search works, and every page loads without console
errors, failed requests or horizontal scrolling on a 390 px phone.

Screenshots of the real site for a person to look at: SHOTS=/tmp/shots .venv/bin/python -m pytest tests/test_browser.py -k shots
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from conftest import ROOT, SAMPLE_BASE
from webserver import serve

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: `apt-get install -y chromium` (CI installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing: pip install -r requirements-dev.txt")

EPISODE = "episodes/first-steps/"
AXE_PAGES = ["", EPISODE, "articles/safety-first/", "drills/", "guide/"]
WEIGHT_LIMIT = 60 * 1024
WEIGHED = {"document", "stylesheet", "script", "fetch", "xhr", "font"}  # not audio, images or captions


@pytest.fixture(scope="module")
def base(built_sample: Path):
    with serve(built_sample, "/sample-show/") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def feed_duration(built_sample: Path, path: str) -> float:
    feed = etree.fromstring((built_sample / "podcast.xml").read_bytes())
    for item in feed.iter("item"):
        if item.findtext("link") == SAMPLE_BASE + path:
            return float(item.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}duration"))
    raise AssertionError(f"{path} is not in the feed")


@pytest.mark.skipif(not AXE.exists(), reason=f"{AXE} is missing: run `npm ci`")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(page, base: str, scheme: str):
    axe = AXE.read_text(encoding="utf-8")
    page.emulate_media(color_scheme=scheme)
    found = []
    for path in AXE_PAGES:
        page.goto(base + path)
        # Open the collapsed transcript so its text and links are checked too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.add_script_tag(content=axe)
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                   ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                                   " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))")
        found += [f"/{path} [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
                  for v in violations if v["impact"] in ("serious", "critical")]
    assert not found, f"axe-core in {scheme} mode:\n" + "\n".join(found)


def test_episode_plays_and_chapter_links_seek_the_player(page, base: str, built_sample: Path):
    page.goto(base + EPISODE)
    state = page.evaluate("""() => new Promise((resolve, reject) => {
        const a = document.getElementById('player');
        const done = () => resolve({readyState: a.readyState, duration: a.duration});
        if (a.readyState >= 1) done();
        a.addEventListener('loadedmetadata', done);
        a.addEventListener('error', () => reject(new Error('audio error ' + (a.error && a.error.code))));
        setTimeout(() => reject(new Error('no loadedmetadata within 10 s')), 10000);
    })""")
    assert state["readyState"] >= 1
    assert abs(state["duration"] - feed_duration(built_sample, EPISODE)) <= 1, state
    url = page.url
    chapter = page.locator(".chapters a[data-seek]").nth(1)
    start = float(chapter.get_attribute("data-seek"))
    assert start > 0
    chapter.click()
    page.wait_for_function("s => Math.abs(document.getElementById('player').currentTime - s) < 1", arg=start, timeout=5000)
    assert page.url == url, "a chapter link navigated away instead of seeking"
    assert page.evaluate("document.activeElement.id") == "player"


def test_chapters_are_a_readable_list_of_links_without_javascript(browser, base: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + EPISODE)
    items = page.locator(".chapters li").all_inner_texts()
    assert items[:2] == ["0:00 Introduction", "0:05 Why backward?"], items
    hrefs = page.locator(".chapters a").evaluate_all("links => links.map(a => a.href)")
    assert all(urlsplit(h).path.endswith(".mp3") and "#t=" in h for h in hrefs), hrefs
    context.close()


def test_keyboard_reaches_the_skip_link_first_then_main_content(page, base: str):
    page.goto(base + EPISODE)
    page.keyboard.press("Tab")
    skip = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return {cls: e.className, href: e.getAttribute('href'), visible: r.left >= 0 && r.top >= 0 && r.width > 0,
                outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth)}; }""")
    assert skip["cls"] == "skip" and skip["href"] == "#main", skip
    assert skip["visible"], "the focused skip link stays off screen"
    assert skip["outline"] != "none" and skip["outlineWidth"] >= 2, f"no visible focus ring: {skip}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    reached = []
    for _ in range(10):
        page.keyboard.press("Tab")
        where = page.evaluate("() => ({id: document.activeElement.id, inMain: !!document.activeElement.closest('main')})")
        assert where["inMain"], "Tab after the skip link left the main content"
        reached.append(where["id"])
        if where["id"] == "player":
            break
    assert "player" in reached, "the audio player is not reachable with Tab"


def test_search_shows_results_as_you_type(page, base: str):
    page.goto(base + "search/")
    page.fill("#q", "knee")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('result')")
    titles = page.locator("#search-results li h2 a").all_inner_texts()
    assert "Knees and you" in titles, titles
    assert page.locator("#search-status").inner_text() == f"{len(titles)} result" + ("" if len(titles) == 1 else "s")
    page.goto(base + "search/?q=zzznothing")
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    assert page.locator("#search-status").inner_text() == "0 results"


def test_serve_reloads_an_open_page_when_a_rebuild_ends(page, sample: Path):
    """An author's open page shows the saved edit, or the problems of a broken one, without a click."""
    import time

    from conftest import FIXED_NOW
    from sitegen.serve import DevServer

    dev = DevServer(sample, port=0, pdf=False, now=lambda: FIXED_NOW, say=lambda m: None, warn=lambda m: None)
    dev.start()
    try:
        page.goto(dev.url + "about/")
        time.sleep(0.3)  # the page's request for the build state is waiting
        about = sample / "content/pages/about.md"
        good = about.read_text(encoding="utf-8")
        about.write_text(good + "\nSeen without reloading by hand.\n", encoding="utf-8")
        assert dev.rebuild(("content/pages/about.md",)).ok
        page.wait_for_function("document.body.innerText.includes('Seen without reloading by hand.')", timeout=3000)
        about.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
        assert not dev.rebuild(("content/pages/about.md",)).ok
        page.wait_for_function("document.body.innerText.includes('titel: unknown key')", timeout=3000)
        assert "Seen without reloading by hand." in page.inner_text("main")  # the last good build stays
    finally:
        dev.stop()


def test_every_page_loads_cleanly_on_a_phone(browser, base: str, built_sample: Path):
    """Sitemap pages and the 404 page at 390 px: no console errors, failed requests or sideways scrolling."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    sitemap = etree.fromstring((built_sample / "sitemap.xml").read_bytes())
    urls = [loc.text.replace(SAMPLE_BASE, base) for loc in sitemap.iter("{*}loc")] + [base + "404.html"]
    assert len(urls) >= 15
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    elsewhere: list[tuple[str, str]] = []
    pending: set = set()
    finished: list[tuple[str, object]] = []
    current = [""]

    def off_host(route):
        # The sample site has one episode whose audio lives on a media host; nothing else may leave the site.
        elsewhere.append((route.request.resource_type, route.request.url))
        route.abort("blockedbyclient")

    context.route(lambda url: not url.startswith(origin + "/"), off_host)

    def on_console(msg):
        if msg.type == "error" and msg.location.get("url") not in {u for _, u in elsewhere}:
            problems.append(f"{current[0]}: console error: {msg.text}")

    def on_failed(request):
        pending.discard(request)
        if request.url in {u for _, u in elsewhere}:
            return
        # Chromium stops fetching audio once it has the metadata (preload="metadata"), and drops its own favicon
        # fetch when the next page loads: those aborts are no failure (a missing file shows up as HTTP 404).
        if request.resource_type in ("media", "other") and request.failure == "net::ERR_ABORTED":
            return
        problems.append(f"{current[0]}: request failed: {request.url} ({request.failure})")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{current[0]}: HTTP {response.status} for {response.url}")

    def on_finished(request):
        pending.discard(request)
        if request.resource_type in WEIGHED:
            finished.append((current[0], request))

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"{current[0]}: script error: {e}"))
    page.on("request", lambda r: pending.add(r) if r.resource_type != "media" else None)
    page.on("requestfailed", on_failed)
    page.on("requestfinished", on_finished)
    page.on("response", on_response)
    for url in urls:
        current[0] = url[len(base) - 1:]
        response = page.goto(url)
        assert response is not None and response.ok, url
        for _ in range(250):  # let late requests (search.json, captions) finish, without waiting on the audio
            if not pending:
                break
            page.wait_for_timeout(20)
        assert not pending, f"{url}: requests still open: {[r.url for r in pending]}"
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            problems.append(f"{current[0]}: scrolls sideways at 390 px ({width[0]} > {width[1]})")
    assert not problems, "\n".join(problems)
    assert all(kind == "media" for kind, _ in elsewhere), f"requests to other hosts: {elsewhere}"
    for path in ("/", "/" + EPISODE):
        loaded = [(r.url, r.sizes()["responseBodySize"]) for p, r in finished if p == path]
        total = sum(size for _, size in loaded)
        print(f"{path}: {total} bytes in {len(loaded)} requests (HTML, CSS, JS, JSON; no audio or images)")
        assert total < WEIGHT_LIMIT, f"{path} weighs {total} bytes: {loaded}"
    context.close()


@pytest.mark.skipif(not os.environ.get("SHOTS"), reason="screenshots of the real site are for people: set SHOTS=/tmp/shots")
def test_shots_of_the_real_site(browser, tmp_path: Path):
    """Desktop and phone, light and dark, home and the newest episode; look at them, nothing is asserted."""
    shots = Path(os.environ["SHOTS"])
    shots.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "site"
    with serve(out, "/retro-stride/") as url:
        subprocess.run([sys.executable, "build.py", "-q", "--out", str(out), "--base-url", url], cwd=ROOT, check=True)
        newest = etree.parse(str(out / "podcast.xml")).findtext("channel/item/link")[len(url):]
        for scheme in ("light", "dark"):
            for width, device in ((1280, "desktop"), (390, "phone")):
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                for path, name in (("", "home"), (newest, "episode")):
                    page.goto(url + path)
                    page.screenshot(path=str(shots / f"{name}-{device}-{scheme}.png"), full_page=True)
                context.close()


@pytest.mark.parametrize("width", [320, 390, 430, 600, 800])
def test_the_nav_never_leaves_one_link_alone_on_a_line(browser, base: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base + "drills/")
    tops = page.locator(".masthead nav li").evaluate_all("items => items.map(i => Math.round(i.getBoundingClientRect().top))")
    rows = {top: tops.count(top) for top in tops}
    assert len(tops) == 6 and (len(rows) == 1 or min(rows.values()) >= 2), f"links per line at {width} px: {rows}"
    context.close()


def test_drills_filter_is_drawn_with_the_page_and_works_without_javascript(browser, base: str):
    """No form (pa11y asks a form for a submit button) and no script: radio buttons and CSS."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "drills/")
    assert page.locator(".level-filter").is_visible() and page.locator("main form").count() == 0
    shown = "() => [...document.querySelectorAll('section.level')].filter(s => s.offsetParent !== null).map(s => s.dataset.level)"
    assert page.evaluate(shown) == ["beginner", "intermediate"]
    page.get_by_role("radio", name="Intermediate").check()
    assert page.evaluate(shown) == ["intermediate"]
    page.get_by_role("radio", name="Beginner").check()
    assert page.evaluate(shown) == ["beginner"]
    page.get_by_role("radio", name="All").check()
    assert page.evaluate(shown) == ["beginner", "intermediate"]
    context.close()


def test_wide_tables_scroll_in_a_named_focusable_frame_on_a_phone(browser, base: str):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "articles/safety-first/")
    frame = page.get_by_role("region", name="Table: Where (scrolls sideways)")
    frame.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
    assert page.evaluate("getComputedStyle(document.activeElement).overflowX") == "auto"
    context.close()
