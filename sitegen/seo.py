"""JSON-LD structured data for search engines: PodcastSeries, PodcastEpisode, Article.

Each thing has an `@id` (its page's URL and a fragment), so the series an episode belongs to
and the team behind both are one node each to a reader that merges pages."""
from __future__ import annotations

from typing import Any

from .models import Article, Episode, Site
from .plan import ArticlePage, EpisodePage, HomePage, PageSpec
from .urls import Urls


def structured_data(page: PageSpec, site: Site, urls: Urls) -> dict[str, Any] | None:
    match page.kind:
        case HomePage():
            return {"@context": "https://schema.org", **_series(site, urls)}
        case EpisodePage(episode=ep):
            return _episode(ep, site, urls)
        case ArticlePage(article=a):
            return _article(a, site, urls)
    return None


def _team(site: Site, urls: Urls) -> dict[str, Any]:
    """The people behind the show, as one organization (a team is not a Person)."""
    return {"@type": "Organization", "@id": urls.absolute() + "#team", "name": site.config.author, "url": urls.absolute(),
            "email": site.config.email}


def _series(site: Site, urls: Urls) -> dict[str, Any]:
    c = site.config
    return {"@type": "PodcastSeries", "@id": urls.absolute() + "#podcast", "name": c.title, "url": urls.absolute(),
            "webFeed": urls.absolute(c.podcast.feed), "description": c.description,
            "image": urls.absolute(c.podcast.image.removeprefix("static/")), "inLanguage": c.language,
            "author": _team(site, urls)}


def _episode(ep: Episode, site: Site, urls: Urls) -> dict[str, Any]:
    seconds = int(round(ep.audio.duration.total_seconds()))
    series = _series(site, urls)
    image = urls.absolute(ep.image.href) if ep.image else series["image"]
    data = {
        "@context": "https://schema.org", "@type": "PodcastEpisode", "@id": urls.absolute(ep.url) + "#episode",
        "url": urls.absolute(ep.url), "name": ep.title, "description": ep.summary,
        "datePublished": ep.published.date().isoformat(), "episodeNumber": ep.number, "image": image,
        "duration": _iso_duration(seconds), "timeRequired": _iso_duration(seconds),
        "associatedMedia": {"@type": "AudioObject", "contentUrl": urls.absolute(ep.audio.href),
                            "encodingFormat": ep.audio.mime, "contentSize": str(ep.audio.length), "duration": _iso_duration(seconds)},
        "partOfSeries": series, "author": {"@id": series["author"]["@id"]}, "inLanguage": site.config.language,
    }
    if ep.season is not None:
        data["partOfSeason"] = {"@type": "PodcastSeason", "@id": urls.absolute() + f"#season-{ep.season}",
                                "seasonNumber": ep.season, "partOfSeries": {"@id": series["@id"]}}
    return data


def _article(a: Article, site: Site, urls: Urls) -> dict[str, Any]:
    c = site.config
    author = _team(site, urls) if a.author == c.author else {"@type": "Person", "name": a.author}
    return {
        "@context": "https://schema.org", "@type": "Article", "@id": urls.absolute(a.url) + "#article",
        "headline": a.title, "description": a.summary,
        "url": urls.absolute(a.url), "mainEntityOfPage": urls.absolute(a.url),
        "datePublished": a.published.isoformat(), "dateModified": a.updated.isoformat(),
        "author": author, "image": urls.absolute("img/social.jpg"),
        "publisher": {"@type": "Organization", "name": c.title, "logo": {"@type": "ImageObject", "url": urls.absolute("img/apple-touch-icon.png")}},
        "inLanguage": c.language,
    }


def _iso_duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{s}S"
