"""The podcast RSS feed, the Atom feed of all posts, chapters JSON, sitemap, robots.txt, search index."""
from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass
from datetime import datetime
from html import escape as html_escape, unescape
from itertools import chain
from typing import TYPE_CHECKING, Iterator, Sequence

from .models import Article, Drill, Episode, Location, Person, Post, Site
from .podcast_spec import MAX_TEXT
from .plan import FEED_STYLESHEET, ArticlePage, EpisodePage, PageSpec, PersonPage, TagPage, TranscriptPage
from .mediaconfig import prefixed
from .urls import Urls

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

    from .feedext import Podcast20EntryExtension, Podcast20Extension

GENERATOR = "Retro Stride sitegen"
# Readers poll a feed for what is new; the archive pages hold the rest. Uncapped, ten years of
# posts with full text make a 40 MB file that every reader downloads on every poll.
ATOM_ENTRIES = 50
Span = tuple[int, int]
SOCIAL_IMAGE = "img/social.jpg"  # 1200x630, the pages' og:image
SYNTHETIC_VOICE = ("This episode is narrated by a synthetic voice: the script is written by people and read by an "
                   "offline speech synthesiser, not a human presenter.")


def build_podcast_feed(site: Site, urls: Urls) -> bytes:
    """The whole feed, its items made a batch at a time (see render_feed_items)."""
    parts = render_feed_items(site, urls, site.episodes)
    return b"".join([parts.head, *parts.items, parts.tail])


@dataclass(frozen=True, slots=True)
class FeedParts:
    head: bytes  # the channel, up to the first item
    items: Iterator[memoryview]  # each episode's <item>, in the order given, made as they are taken
    tail: bytes


def render_feed_items(site: Site, urls: Urls, episodes: Sequence[Episode]) -> FeedParts:
    """Each episode's <item> as feedgen writes it, and the channel around them. feedgen takes a
    batch at a time (one feedgen tree of a ten-year archive takes a hundred MB): the first here,
    for the channel, the others as their items are taken."""
    batches = [episodes[i:i + FEED_BATCH] for i in range(0, max(len(episodes), 1), FEED_BATCH)]
    head, first, tail = _feed_batch(site, urls, batches[0])
    return FeedParts(head, chain(first, (item for batch in batches[1:] for item in _feed_batch(site, urls, batch)[1])), tail)


def _feed_batch(site: Site, urls: Urls, batch: Sequence[Episode]) -> tuple[bytes, list[memoryview], bytes]:
    """The channel before the items, the items, the rest. Show notes that fool the split into
    items (they may hold any text): the batch made again an episode at a time, where the one
    item lies between the channel's head and its end, whatever it holds."""
    xml = _podcast_xml(site, urls, batch)
    split = _split_items(xml, [ep.guid for ep in batch])
    if split is not None:
        start, spans, end = split
        view = memoryview(xml)
        return xml[:start], [view[a:b] for a, b in spans], xml[end:]
    if not batch:
        raise RuntimeError("feedgen wrote a feed without the end of its channel")
    items = []
    for ep in batch:
        xml = _podcast_xml(site, urls, [ep])
        start, end = xml.find(_ITEM), xml.rfind(_CHANNEL_END)
        if not 0 < start < end:
            raise RuntimeError(f"feedgen wrote a feed without the item of {ep.source}")
        items.append(memoryview(xml)[start:end])
    return xml[:start], items, xml[end:]


FEED_BATCH = 200


_ITEM, _END, _CHANNEL_END = b"    <item>\n", b"    </item>\n", b"  </channel>\n"


def _split_items(xml: bytes, guids: list[str]) -> tuple[int, list[Span], int] | None:
    """Where feedgen's pretty-printed feed has its items: the end of the part before them, each
    item's span, the start of the rest; None unless every item is found whole, in order,
    holding its own guid."""
    end = xml.rfind(_CHANNEL_END)
    first = xml.find(_ITEM) if guids else end
    if end < 0 or first < 0 or xml[first - 1:first] != b"\n":
        return None
    spans: list[Span] = []
    at = first
    for guid in guids:
        stop = xml.find(b"\n" + _END, at)
        if not xml.startswith(_ITEM, at) or stop < 0:
            return None
        stop += 1 + len(_END)
        if xml.count(f">{_escape(guid)}</guid>".encode(), at, stop) != 1:
            return None
        spans.append((at, stop))
        at = stop
    if at != end:
        return None
    return first, spans, end


def _escape(text: str) -> str:
    """&, < and > as XML text needs them (xml.sax.saxutils.escape's three, without importing
    urllib, http and ssl with it). feedgen, lxml, email and the show notes are imported where a
    feed is made, for the same reason: most builds of a large archive make no feed, or make it in
    a worker."""
    return html_escape(text, quote=False)


def _podcast_xml(site: Site, urls: Urls, episodes: Sequence[Episode]) -> bytes:
    from feedgen.feed import FeedGenerator  # here, not at the top: see _escape

    from .feedext import register_extensions

    c, p = site.config, site.config.podcast
    fg = FeedGenerator()
    fg.load_extension("podcast")  # before ours: the explicit guard relies on the order
    register_extensions(fg)
    fg.title(c.title)
    # feedgen writes the channel <link> from the last non-self link, so the site goes last.
    fg.link(href=urls.absolute(p.feed), rel="self", type="application/rss+xml")
    fg.link(href=urls.absolute(), rel="alternate")
    fg.description(c.description)
    fg.language(c.language)
    fg.copyright(p.copyright)
    fg.generator(GENERATOR)
    # The newest episode's date, never the clock: two builds give the same bytes.
    fg.lastBuildDate(site.episodes[0].published if site.episodes else site.modified)
    art = urls.absolute(_static_path(p.image))
    fg.image(url=art, title=c.title, link=urls.absolute())
    fg.podcast.itunes_author(p.author)
    fg.podcast.itunes_owner(name=p.owner_name, email=p.owner_email)
    fg.podcast.itunes_image(art)
    fg.podcast.itunes_category([{"cat": cat, "sub": sub} if sub else {"cat": cat} for cat, sub in p.categories], replace=True)
    fg.podcast.itunes_type(p.type)
    if p.new_feed_url:
        fg.podcast.itunes_new_feed_url(p.new_feed_url)
    fg.itunes_explicit.explicit(p.explicit)
    _add_channel_podcast20(fg.podcast20, site, urls)
    for ep in episodes:  # newest first, in an explicit order
        _add_episode(fg, ep, site, urls)
    xml: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return _with_stylesheet(xml, urls.path(FEED_STYLESHEET))


def _with_stylesheet(xml: bytes, href: str) -> bytes:
    """The feed with <?xml-stylesheet?> after the XML declaration: a browser shows it through the
    stylesheet; apps and validators skip processing instructions. (feedgen writes the root
    element only, so the instruction cannot come from an extension.)"""
    declaration, newline, rest = xml.partition(b"\n")
    assert declaration.startswith(b"<?xml ") and newline, "feedgen wrote no XML declaration"
    quoted = _escape(href).replace('"', "&quot;")
    instruction = f'<?xml-stylesheet type="text/xsl" href="{quoted}"?>'.encode()
    return declaration + newline + instruction + newline + rest


def _add_channel_podcast20(ext: Podcast20Extension, site: Site, urls: Urls) -> None:
    from email.utils import format_datetime  # here, not at the top: see _escape

    p = site.config.podcast
    ext.websub_hub(p.hub)
    if p.block:
        ext.itunes_block()
        ext.podcast_block()
    if p.complete:
        ext.itunes_complete()
    ext.podcast_guid(p.guid)
    ext.podcast_medium("podcast")
    ext.podcast_locked(p.locked, p.owner_email)
    for f in p.funding:
        ext.podcast_funding(f.url, f.text)
    _add_persons(ext, p.persons)
    for txt in p.txt:
        ext.podcast_txt(txt.text, txt.purpose)
    if p.license:
        ext.podcast_license(p.license.name, p.license.url)
    ext.podcast_image(urls.absolute(_static_path(p.image)), "artwork", alt=p.image_alt, aspect_ratio="1/1",
                      type=_image_type(p.image))
    ext.podcast_image(urls.absolute(SOCIAL_IMAGE), "social", alt=p.image_alt, aspect_ratio="40/21",
                      width=1200, height=630, type="image/jpeg")
    if p.location:
        _add_location(ext, p.location)
    if p.update_frequency:
        u = p.update_frequency
        ext.podcast_update_frequency(u.text, u.rrule, u.complete)
    for ep in site.episodes:  # every trailer, whichever batch of items is being made
        if ep.episode_type == "trailer":
            ext.podcast_trailer(ep.title[:MAX_TEXT], format_datetime(ep.published), urls.absolute(ep.audio.href),
                                ep.audio.length, ep.audio.mime, ep.season)
    for show in p.podroll:
        ext.podcast_remote_item(show.feed_guid, show.feed_url)
    if p.podping:
        ext.podcast_podping()


def _add_persons(ext: Podcast20Extension | Podcast20EntryExtension, persons: Sequence[Person]) -> None:
    for person in persons:
        ext.podcast_person(person.name, role=person.role, group=person.group, href=person.href, img=person.img)


def _add_location(ext: Podcast20Extension | Podcast20EntryExtension, where: Location) -> None:
    ext.podcast_location(where.name, rel=where.rel, geo=where.geo, osm=where.osm, country=where.country)


def _add_episode(fg: FeedGenerator, ep: Episode, site: Site, urls: Urls) -> None:
    from .shownotes import render_description  # here, not at the top (lxml): see _escape

    page = urls.absolute(ep.url)
    notes = urls.absolutize_html(ep.body_html)
    fe = fg.add_entry(order="append")
    fe.title(ep.title)
    fe.link(href=page)
    fe.guid(ep.guid, permalink=False)  # a UUID, not a URL: it survives any move
    fe.pubDate(ep.published)
    fe.description(render_description(ep, notes, page))
    fe.content(notes, type="CDATA")
    # an analytics prefix (OP3, Podtrac) counts downloads from the feed; pages link to the file itself
    fe.enclosure(prefixed(urls.absolute(ep.audio.href), site.config.podcast.enclosure_prefix), str(ep.audio.length), ep.audio.mime)
    fe.podcast.itunes_title(ep.title)
    if ep.image:
        fe.podcast.itunes_image(urls.absolute(ep.image.href))
    fe.podcast.itunes_duration(int(round(ep.audio.duration.total_seconds())))
    fe.podcast.itunes_episode(ep.number)
    fe.podcast.itunes_episode_type(ep.episode_type)
    fe.itunes_explicit.explicit(ep.explicit)
    if ep.season:
        fe.podcast.itunes_season(ep.season)
    _add_item_podcast20(fe.podcast20, ep, site, urls)


def _add_item_podcast20(ext: Podcast20EntryExtension, ep: Episode, site: Site, urls: Urls) -> None:
    ext.podcast_episode(ep.number)
    if ep.season:
        ext.podcast_season(ep.season)
    if ep.transcript:
        # The page first and the WebVTT file last: feedparser keeps only the last transcript it
        # reads, and the timed one is what players use for captions.
        ext.podcast_transcript(urls.absolute(ep.transcript_page_url), "text/html", language=site.config.language)
        rel = "captions" if ep.transcript.file.mime in ("text/vtt", "application/x-subrip") else None
        ext.podcast_transcript(urls.absolute(ep.transcript.file.href), ep.transcript.file.mime,
                               language=site.config.language, rel=rel)
    if ep.chapters:
        ext.podcast_chapters(urls.absolute(ep.chapters_url))
    for bite in ep.soundbites:
        ext.podcast_soundbite(bite.seconds, bite.duration.total_seconds(), bite.title)
    # An item's persons replace the channel's in apps, so the show's own are restated first.
    _add_persons(ext, site.config.podcast.persons + ep.persons)
    if ep.location:
        _add_location(ext, ep.location)
    if ep.image:
        ext.podcast_image(urls.absolute(ep.image.href), "artwork", aspect_ratio="1/1", type=ep.image.mime)
    if ep.synthetic_voice:
        ext.podcast_txt(SYNTHETIC_VOICE)


def build_chapters_json(ep: Episode, site: Site, urls: Urls) -> bytes:
    """Podcasting 2.0 JSON chapters, version 1.2.0."""
    data = {
        "version": "1.2.0",
        "title": ep.title,
        "podcastName": site.config.title,
        "chapters": [{"startTime": round(ch.seconds, 3), "title": ch.title} for ch in ep.chapters],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def atom_posts(site: Site) -> list[Post]:
    """The Atom feed's entries: the newest posts, episodes and articles together."""
    everything: tuple[Post, ...] = site.episodes + site.articles
    return heapq.nlargest(ATOM_ENTRIES, everything, key=lambda x: (x.published, x.section, x.slug))


def build_atom_feed(site: Site, urls: Urls) -> bytes:
    from feedgen.feed import FeedGenerator  # here, not at the top: see _escape

    c = site.config
    fg = FeedGenerator()
    fg.id(urls.absolute())
    fg.title(c.title)
    fg.subtitle(c.tagline)
    fg.author({"name": c.author, "email": c.email})
    fg.link(href=urls.absolute(), rel="alternate")
    fg.link(href=urls.absolute("atom.xml"), rel="self")
    fg.language(c.language)
    fg.generator(GENERATOR)
    fg.updated(site.modified)
    fg.logo(urls.absolute("img/social.jpg"))
    fg.icon(urls.absolute("img/favicon-32.png"))
    for post in atom_posts(site):
        url = urls.absolute(post.url)
        fe = fg.add_entry(order="append")
        fe.id(url)
        fe.title(post.title)
        fe.link(href=url)
        fe.published(post.published)
        fe.updated(post.updated)
        fe.summary(post.summary)
        fe.content(urls.absolutize_html(post.body_html), type="html")
        fe.author({"name": post.author if isinstance(post, Article) else c.author})
        for tag in post.tags:
            fe.category(term=tag)
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def build_sitemap(site: Site, pages: list[PageSpec], urls: Urls) -> bytes:
    rows = []
    modified = site.modified  # a scan of every post: once, not once per page that shows it
    for page in pages:
        if not page.in_sitemap:
            continue
        rows.append(f"  <url><loc>{_escape(urls.absolute(page.url))}</loc><lastmod>{_lastmod(page, modified).isoformat()}</lastmod></url>")
    body = "\n".join(rows)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}\n</urlset>\n'.encode()


def _lastmod(page: PageSpec, modified: datetime) -> datetime:
    match page.kind:
        case EpisodePage(episode=post) | TranscriptPage(episode=post) | ArticlePage(article=post):
            return post.updated
        case TagPage(tag=tag):
            return max(x.updated for x in tag.episodes + tag.articles)
        case PersonPage(episodes=episodes):
            return max(ep.updated for ep in episodes)
    return modified


def build_robots(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n".encode()


def build_search_index(site: Site, urls: Urls) -> bytes:
    """A JSON index the search page filters in the browser (no server needed): one entry per
    post and drill."""
    return b"[" + b",".join(render_search_entry(x, urls) for x in search_items(site)) + b"]"


def search_items(site: Site) -> list[Episode | Article | Drill]:
    return [*site.episodes, *site.articles, *site.drills]


def render_search_entry(x: Episode | Article | Drill, urls: Urls) -> bytes:
    if isinstance(x, Drill):
        kind, tags = f"Drill, {x.level}", [x.level, *x.where]
    else:
        kind, tags = ("Episode" if isinstance(x, Episode) else "Article"), list(x.tags)
    return json.dumps({"kind": kind, "title": x.title, "url": urls.path(x.url), "summary": x.summary,
                       "tags": tags, "text": _words(x.body_html)}, ensure_ascii=False, separators=(",", ":")).encode()


def _words(html: str) -> str:
    """The text's distinct words, lowercased, in order of first use. The search page matches
    each query word (never containing a space) as a substring of one word of the text, so this
    finds exactly what the full text would, in about 60% of the bytes for this show's prose."""
    return " ".join(dict.fromkeys(unescape(_TAG.sub(" ", html)).lower().split()))


_TAG = re.compile(r"<[^>]+>")


def _static_path(project_path: str) -> str:
    """static/img/cover.jpg is published at img/cover.jpg."""
    return project_path.removeprefix("static/")


def _image_type(project_path: str) -> str:
    return "image/png" if project_path.lower().endswith(".png") else "image/jpeg"
