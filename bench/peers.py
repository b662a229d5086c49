"""Convert a corpus made by bench/corpus.py into Pelican, Hugo and Eleventy projects with the same posts.

Same Markdown bodies, titles, dates, tags and slugs; posts keep their URLs (/episodes/slug/,
/articles/slug/, /drills/slug/) so the site-absolute links in the bodies mean the same thing.
Neither peer gets audio, chapters, transcripts or a PDF: they build pages and a feed only.
"""
from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import yaml

SITE_URL = "https://retrostride.github.io/retro-stride"
PUBLISH_TIME = "06:00"  # the corpus's site.toml publishes bare dates at this time

PELICAN_CONF = f'''AUTHOR = "Retro Stride"
SITENAME = "Retro Stride"
SITEURL = "{SITE_URL}"
PATH = "content"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
USE_FOLDER_AS_CATEGORY = True
ARTICLE_URL = "{{category}}/{{slug}}/"
ARTICLE_SAVE_AS = "{{category}}/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
DEFAULT_PAGINATION = False
'''

HUGO_CONF = f'''baseURL = "{SITE_URL}/"
title = "Retro Stride"
languageCode = "en"
timeZone = "Europe/London"
[permalinks.page]
episodes = "/episodes/:slug/"
articles = "/articles/:slug/"
drills = "/drills/:slug/"
'''

# A minimal theme: Hugo ships none, and without layouts it renders nothing.
HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>'
                   '{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}'
                   '</head><body><nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>'
                   '{{ range site.Sections }} <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>'
                   '<main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}</time>'
                   '{{ .Content }}<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>'
                   '</article>{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
                 ' {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n',
    "home.html": '{{ define "main" }}<h1>{{ site.Title }}</h1><ul>{{ range first 10 site.RegularPages.ByDate.Reverse }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


@dataclass(frozen=True, slots=True)
class Doc:
    section: str  # episodes | articles | drills | pages
    slug: str
    meta: dict[str, Any]
    body: str


def read_corpus(root: Path) -> Iterator[Doc]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for section in ("episodes", "articles", "drills", "pages"):
        for path in sorted((root / "content" / section).glob("*.md")):
            _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
            slug = path.stem.split("-", 1)[1] if section == "episodes" else path.stem
            yield Doc(section, slug, yaml.load(head, Loader=loader), body)


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "content").mkdir(parents=True)
    return folder


def new_episode(corpus: Path) -> tuple[Path, str, Doc]:
    """A new episode for the one-added rebuild: the newest remote-audio episode copied under the
    next number, a new slug, title and guid, the same day (so it is published, not scheduled).
    Returns the corpus file to write, its text, and the post for the peers' formats."""
    episodes = sorted((corpus / "content" / "episodes").glob("*.md"), key=lambda p: int(p.name.split("-", 1)[0]))
    newest = ([p for p in episodes if not p.with_suffix(".mp3").exists()] or episodes)[-1]  # the real show: all local audio
    number = int(episodes[-1].name.split("-", 1)[0]) + 1  # by number: 1000-x.md sorts before 101-y.md by name
    slug = f"new-episode-{number}"
    text = newest.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    meta = yaml.safe_load(head)
    meta.update(title=f"A new episode, number {number}", number=number, guid=str(uuid.uuid5(uuid.NAMESPACE_URL, slug)))
    lines = []
    for line in head.splitlines():
        key = line.split(":", 1)[0]
        if key in ("title", "number", "guid"):
            line = f"{key}: {json.dumps(meta[key])}"
        lines.append(line)
    new_text = "---\n" + "\n".join(lines) + "\n---\n" + body
    return newest.with_name(f"{number:03d}-{slug}.md"), new_text, Doc("episodes", slug, meta, body)


def changed_file(peer_root: Path, corpus_episode: Path) -> Path:
    """The peer's copy of an episode, to append a sentence to for the one-changed rebuild."""
    slug = corpus_episode.stem.split("-", 1)[1]
    return peer_root / "content" / "episodes" / f"{slug}.md"


# ---- Pelican -----------------------------------------------------------------------------

def pelican_text(doc: Doc) -> str:
    m = doc.meta
    lines = [f"Title: {m['title']}", f"Slug: {doc.slug}"]
    if doc.section in ("episodes", "articles"):
        lines.append(f"Date: {_day(m['date'])} {PUBLISH_TIME}")
        if m.get("updated"):
            lines.append(f"Modified: {_day(m['updated'])} {PUBLISH_TIME}")
        lines.append(f"Category: {doc.section}")
        lines.append("Tags: " + ", ".join(m.get("tags") or []))
    if doc.section == "drills":
        lines += [f"URL: drills/{doc.slug}/", f"Save_as: drills/{doc.slug}/index.html"]
    lines.append(f"Summary: {m['summary']}")
    return "\n".join(lines) + "\n\n" + doc.body


def make_pelican(corpus: Path, dest: Path) -> Path:
    root = fresh(dest)
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for doc in read_corpus(corpus):
        folder = root / "content" / ("pages" if doc.section in ("drills", "pages") else doc.section)
        folder.mkdir(exist_ok=True)
        name = f"drill-{doc.slug}.md" if doc.section == "drills" else f"{doc.slug}.md"
        (folder / name).write_text(pelican_text(doc), encoding="utf-8")
    return root


# ---- Hugo --------------------------------------------------------------------------------

def hugo_text(doc: Doc) -> str:
    m = doc.meta
    head = {"title": m["title"], "slug": doc.slug, "summary": m["summary"]}
    if doc.section in ("episodes", "articles"):
        head["date"] = f"{_day(m['date'])}T{PUBLISH_TIME}:00"
        head["tags"] = list(m.get("tags") or [])
        if m.get("updated"):
            head["lastmod"] = f"{_day(m['updated'])}T{PUBLISH_TIME}:00"
    lines = [f"{key}: {json.dumps(value)}" for key, value in head.items()]  # JSON values are valid YAML
    return "---\n" + "\n".join(lines) + "\n---\n" + doc.body


def make_hugo(corpus: Path, dest: Path) -> Path:
    root = fresh(dest)
    (root / "hugo.toml").write_text(HUGO_CONF, encoding="utf-8")
    (root / "layouts").mkdir()
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    for doc in read_corpus(corpus):
        folder = root / "content" / ("" if doc.section == "pages" else doc.section)
        folder.mkdir(exist_ok=True)
        (folder / f"{doc.slug}.md").write_text(hugo_text(doc), encoding="utf-8")
    return root


# ---- Eleventy ----------------------------------------------------------------------------

# Eleventy 3 with its defaults (markdown-it, Nunjucks), the same minimal theme as Hugo's: a page
# per post, a list per section, one per tag, a home page, an RSS feed and a sitemap.
ELEVENTY_CONF = """export default function (config) {
  for (const section of ["episodes", "articles", "drills"]) {
    config.addCollection(section, (api) => api.getFilteredByGlob(`content/${section}/*.md`).sort((a, b) => b.date - a.date));
  }
  config.addCollection("posts", (api) => api.getFilteredByGlob(["content/episodes/*.md", "content/articles/*.md"]).sort((a, b) => b.date - a.date));
  return { dir: { input: "content", includes: "../_includes", output: "_site" }, markdownTemplateEngine: false };
}
"""
ELEVENTY_FILES = {
    "_includes/base.njk": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }} | Retro Stride</title>'
                          '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><nav><a href="/">Retro Stride</a>'
                          ' <a href="/episodes/">Episodes</a> <a href="/articles/">Articles</a> <a href="/drills/">Drills</a></nav>'
                          '<main>{{ content | safe }}</main></body></html>\n',
    "_includes/single.njk": '---\nlayout: base.njk\n---\n<article><h1>{{ title }}</h1><time>{{ page.date.toDateString() }}</time>'
                            '{{ content | safe }}<ul>{% for t in tags %}<li><a href="/tags/{{ t | slugify }}/">{{ t }}</a></li>{% endfor %}</ul>'
                            '</article>\n',
    "content/index.njk": '---\nlayout: base.njk\ntitle: Home\n---\n<h1>Retro Stride</h1><ul>{% for p in collections.posts.slice(0, 10) %}'
                         '<li><a href="{{ p.url }}">{{ p.data.title }}</a></li>{% endfor %}</ul>\n',
    "content/sections.njk": '---\npagination:\n  data: sections\n  size: 1\n  alias: section\nsections: [episodes, articles, drills]\n'
                            'permalink: "/{{ section }}/"\nlayout: base.njk\ntitle: Section\n---\n<h1>{{ section }}</h1><ul>'
                            '{% for p in collections[section] %}<li><a href="{{ p.url }}">{{ p.data.title }}</a> {{ p.data.summary }}</li>{% endfor %}</ul>\n',
    "content/tags.njk": '---\npagination:\n  data: collections\n  size: 1\n  alias: tag\n  filter: [all, episodes, articles, drills, posts]\n'
                        'permalink: "/tags/{{ tag | slugify }}/"\nlayout: base.njk\ntitle: Tag\n---\n<h1>{{ tag }}</h1><ul>'
                        '{% for p in collections[tag] %}<li><a href="{{ p.url }}">{{ p.data.title }}</a></li>{% endfor %}</ul>\n',
    "content/feed.njk": '---\npermalink: /feed.xml\neleventyExcludeFromCollections: true\n---\n<?xml version="1.0" encoding="utf-8"?>'
                        '<rss version="2.0"><channel><title>Retro Stride</title><link>' + SITE_URL + '/</link><description>Retro Stride</description>'
                        '{% for p in collections.posts %}<item><title>{{ p.data.title }}</title><link>' + SITE_URL + '{{ p.url }}</link>'
                        '<guid>' + SITE_URL + '{{ p.url }}</guid><pubDate>{{ p.date.toUTCString() }}</pubDate><description>{{ p.data.summary }}</description>'
                        '</item>{% endfor %}</channel></rss>\n',
    "content/sitemap.njk": '---\npermalink: /sitemap.xml\neleventyExcludeFromCollections: true\n---\n<?xml version="1.0" encoding="utf-8"?>'
                           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{% for p in collections.all %}<url><loc>' + SITE_URL +
                           '{{ p.url }}</loc></url>{% endfor %}</urlset>\n',
}


def eleventy_text(doc: Doc) -> str:
    m = doc.meta
    head: dict[str, Any] = {"title": m["title"], "summary": m["summary"], "layout": "single.njk",
                            "permalink": f"/{doc.slug}/" if doc.section == "pages" else f"/{doc.section}/{doc.slug}/"}
    if doc.section in ("episodes", "articles"):
        head["date"] = f"{_day(m['date'])}T{PUBLISH_TIME}:00Z"
        head["tags"] = list(m.get("tags") or [])
    lines = [f"{key}: {json.dumps(value)}" for key, value in head.items()]  # JSON values are valid YAML
    return "---\n" + "\n".join(lines) + "\n---\n" + doc.body


def make_eleventy(corpus: Path, dest: Path) -> Path:
    root = fresh(dest)
    (root / "eleventy.config.mjs").write_text(ELEVENTY_CONF, encoding="utf-8")
    (root / "package.json").write_text('{"type": "module", "private": true}\n', encoding="utf-8")
    for name, text in ELEVENTY_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    for doc in read_corpus(corpus):
        folder = root / "content" / doc.section
        folder.mkdir(exist_ok=True)
        (folder / f"{doc.slug}.md").write_text(eleventy_text(doc), encoding="utf-8")
    return root


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
