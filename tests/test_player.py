"""The episode player in a real browser (Debian's Chromium, driven by Playwright), on the project's own
newest episode: speed, back 15 s and forward 30 s, `#t=` links in both spellings, the position kept per
episode, the chapter list following playback, Media Session metadata, the "copy link at this time"
control, keyboard use, and a page without JavaScript that shows no dead controls.
"""
from __future__ import annotations

from urllib.request import urlopen

import pytest
from lxml import etree

from test_browser import ARGS, CHROMIUM, sync_api  # skips this module too when the browser is missing

PLAYER = "document.getElementById('player')"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=ARGS + ["--autoplay-policy=no-user-gesture-required", "--mute-audio"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def episode(real_site: str) -> str:
    """The newest episode's URL (it has chapters, as every narrated episode does)."""
    with urlopen(real_site + "podcast.xml") as response:
        link = etree.fromstring(response.read()).findtext("channel/item/link")
    assert link and link.startswith(real_site)
    return link


@pytest.fixture
def context(browser, real_site: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=real_site.split("/retro-stride/")[0])
    yield ctx
    ctx.close()


def open_episode(page, url: str) -> dict:
    """Load the page and wait for the audio's metadata; return the duration and the chapters."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(f"{PLAYER}.readyState >= 1", timeout=10000)
    assert not errors, errors
    return page.evaluate("""() => ({
        duration: document.getElementById('player').duration,
        chapters: [...document.querySelectorAll('.chapters a[data-seek]')].map(a => ({
            start: parseFloat(a.dataset.seek), title: a.querySelector('span').textContent})),
    })""")


def at(page, seconds: float) -> None:
    page.wait_for_function(f"Math.abs({PLAYER}.currentTime - {seconds}) < 0.6", timeout=5000)


def test_skip_back_15_and_forward_30(context, episode: str):
    page = context.new_page()
    info = open_episode(page, episode)
    assert info["duration"] > 120, "the newest episode is too short for this test"
    page.evaluate(f"{PLAYER}.currentTime = 60")
    at(page, 60)
    page.get_by_role("button", name="Back 15 seconds").click()
    at(page, 45)
    page.get_by_role("button", name="Forward 30 seconds").click()
    at(page, 75)
    page.evaluate(f"{PLAYER}.currentTime = 5")
    at(page, 5)
    page.get_by_role("button", name="Back 15 seconds").click()
    at(page, 0)  # never before the start


def test_speed_applies_and_is_remembered(context, episode: str):
    page = context.new_page()
    open_episode(page, episode)
    assert page.evaluate(f"{PLAYER}.playbackRate") == 1
    options = page.locator("select[data-speed] option").evaluate_all("os => os.map(o => parseFloat(o.value))")
    assert min(options) == 0.8 and max(options) == 2, options
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate(f"{PLAYER}.playbackRate") == 1.5
    page.reload()
    page.wait_for_function(f"{PLAYER}.playbackRate === 1.5", timeout=5000)
    assert page.get_by_label("Speed").input_value() == "1.5"


@pytest.mark.parametrize("fragment", ["1:01", "61"])
def test_a_t_link_starts_there(context, episode: str, fragment: str):
    page = context.new_page()
    open_episode(page, episode + "#t=" + fragment)
    at(page, 61)
    page.evaluate("location.hash = '#t=0:30'")  # a link on the page itself moves the player too
    at(page, 30)


def test_position_is_remembered_per_episode(context, episode: str, real_site: str):
    page = context.new_page()
    open_episode(page, episode)
    page.evaluate(f"{PLAYER}.currentTime = 100")
    at(page, 100)
    page.reload()
    open_episode(page, episode)
    at(page, 100)
    # Another episode starts from its own beginning, and a #t= link wins over the saved place.
    with urlopen(real_site + "podcast.xml") as response:
        other = etree.fromstring(response.read()).findall("channel/item/link")[1].text
    open_episode(page, other)
    assert page.evaluate(f"{PLAYER}.currentTime") == 0
    open_episode(page, episode + "#t=20")
    at(page, 20)


def test_the_chapter_list_follows_playback(context, episode: str):
    page = context.new_page()
    info = open_episode(page, episode)
    chapters = info["chapters"]
    assert len(chapters) >= 3, chapters
    current = "document.querySelector('.chapters a[aria-current]')"
    assert float(page.evaluate(f"{current}.dataset.seek")) == chapters[0]["start"]
    # Play across the start of the second chapter: the mark and the announced chapter move with it.
    start = chapters[1]["start"]
    page.evaluate(f"{PLAYER}.currentTime = {start - 0.7}; {PLAYER}.play()")
    page.wait_for_function(f"{current} && parseFloat({current}.dataset.seek) === {start}", timeout=10000)
    assert page.locator(".player [data-now]").inner_text() == chapters[1]["title"]
    assert page.locator(".chapters a[aria-current]").count() == 1
    assert page.locator(".player [aria-live]").count() == 1
    assert page.locator(".player .now").get_attribute("aria-live") == "polite"  # announced: it came while playing
    meta = page.evaluate("({title: navigator.mediaSession.metadata.title, album: navigator.mediaSession.metadata.album,"
                         " art: navigator.mediaSession.metadata.artwork.map(a => a.src)})")
    assert meta["title"] == page.locator("h1").inner_text()
    assert meta["album"] == chapters[1]["title"]
    assert meta["art"] and meta["art"][0].startswith("http")
    page.evaluate(f"{PLAYER}.pause()")
    # Clicking a later chapter seeks the player there and marks it.
    page.locator(".chapters a[data-seek]").nth(2).click()
    at(page, chapters[2]["start"])
    page.wait_for_function(f"parseFloat({current}.dataset.seek) === {chapters[2]['start']}", timeout=5000)


def test_copy_link_at_this_time(context, episode: str):
    page = context.new_page()
    info = open_episode(page, episode)
    whole = int(info["duration"] * 0.8)  # past the first minute: the link reads m:ss
    page.evaluate(f"{PLAYER}.currentTime = {whole + 0.6}")
    at(page, whole + 0.6)
    page.get_by_role("button", name="Copy link at this time").click()
    page.wait_for_function("document.querySelector('.share-status').textContent !== ''", timeout=5000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == episode + f"#t={whole // 60}:{whole % 60:02d}", copied
    fresh = context.new_page()
    open_episode(fresh, copied)
    at(fresh, whole)


def test_controls_work_from_the_keyboard(context, episode: str):
    page = context.new_page()
    open_episode(page, episode)
    page.evaluate(f"{PLAYER}.currentTime = 50")
    at(page, 50)
    page.focus("button[data-skip='-15']")
    page.keyboard.press("Enter")
    at(page, 35)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Forward 30 seconds"
    page.keyboard.press("Space")
    at(page, 65)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('select[data-speed]')")


def test_without_javascript_no_dead_controls_and_chapters_still_link(browser, episode: str):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(episode)
    assert page.locator("#player").is_visible()
    assert not page.locator(".player-tools").is_visible()
    assert not page.locator(".player .now").is_visible()
    hrefs = page.locator(".chapters a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(".mp3#t=" in h for h in hrefs), hrefs
    ctx.close()
