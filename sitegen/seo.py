"""JSON-LD structured data for search engines: PodcastSeries, PodcastEpisode, Article."""
from __future__ import annotations

from typing import Any

from .models import Article, Episode, Site
from .plan import ArticlePage, EpisodePage, HomePage, PageSpec
from .urls import Urls


def structured_data(page: PageSpec, site: Site, urls: Urls) -> dict[str, Any] | None:
    c = site.config
    series = {"@type": "PodcastSeries", "name": c.title, "url": urls.absolute(), "webFeed": urls.absolute(c.podcast.feed)}
    match page.kind:
        case HomePage():
            return {"@context": "https://schema.org", **series, "description": c.description,
                    "image": urls.absolute(c.podcast.image.removeprefix("static/")), "inLanguage": c.language,
                    "author": {"@type": "Organization", "name": c.podcast.author}}
        case EpisodePage(episode=ep):
            return _episode(ep, series, site, urls)
        case ArticlePage(article=a):
            return _article(a, site, urls)
    return None


def _episode(ep: Episode, series: dict[str, Any], site: Site, urls: Urls) -> dict[str, Any]:
    seconds = int(round(ep.audio.duration.total_seconds()))
    return {
        "@context": "https://schema.org", "@type": "PodcastEpisode", "url": urls.absolute(ep.url), "name": ep.title,
        "description": ep.summary, "datePublished": ep.published.date().isoformat(), "episodeNumber": ep.number,
        "duration": _iso_duration(seconds), "timeRequired": _iso_duration(seconds),
        "associatedMedia": {"@type": "AudioObject", "contentUrl": urls.absolute(ep.audio.href),
                            "encodingFormat": ep.audio.mime, "contentSize": str(ep.audio.length), "duration": _iso_duration(seconds)},
        "partOfSeries": series, "inLanguage": site.config.language,
    }


def _article(a: Article, site: Site, urls: Urls) -> dict[str, Any]:
    c = site.config
    return {
        "@context": "https://schema.org", "@type": "Article", "headline": a.title, "description": a.summary,
        "url": urls.absolute(a.url), "mainEntityOfPage": urls.absolute(a.url),
        "datePublished": a.published.isoformat(), "dateModified": a.updated.isoformat(),
        "author": {"@type": "Person", "name": a.author}, "image": urls.absolute("img/social.jpg"),
        "publisher": {"@type": "Organization", "name": c.title, "logo": {"@type": "ImageObject", "url": urls.absolute("img/apple-touch-icon.png")}},
        "inLanguage": c.language,
    }


def _iso_duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{s}S"


