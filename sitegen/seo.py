"""JSON-LD structured data for search engines: PodcastSeries, PodcastEpisode, Article."""
from __future__ import annotations

from typing import Any

from .plan import PageSpec
from .urls import Urls


def structured_data(page: PageSpec, site: Any, urls: Urls) -> dict[str, Any] | None:
    c = site.config
    series = {"@type": "PodcastSeries", "name": c.title, "url": urls.absolute(), "webFeed": urls.absolute(c.podcast.feed)}
    if page.url == "":
        return {"@context": "https://schema.org", **series, "description": c.description,
                "image": urls.absolute(c.podcast.image.removeprefix("static/")), "inLanguage": c.language,
                "author": {"@type": "Organization", "name": c.podcast.author}}
    if "episode" in page.context and page.template == "episode.html":
        ep = page.context["episode"]
        seconds = int(round(ep.audio.duration.total_seconds()))
        data = {
            "@context": "https://schema.org", "@type": "PodcastEpisode", "url": urls.absolute(page.url), "name": ep.title,
            "description": ep.summary, "datePublished": ep.published.date().isoformat(), "episodeNumber": ep.number,
            "duration": _iso_duration(seconds), "timeRequired": _iso_duration(seconds),
            "associatedMedia": {"@type": "AudioObject", "contentUrl": urls.absolute(ep.audio.href),
                                "encodingFormat": ep.audio.mime, "contentSize": str(ep.audio.length), "duration": _iso_duration(seconds)},
            "partOfSeries": series, "inLanguage": c.language,
        }
        return data
    if "article" in page.context:
        a = page.context["article"]
        return {
            "@context": "https://schema.org", "@type": "Article", "headline": a.title, "description": a.summary,
            "url": urls.absolute(page.url), "mainEntityOfPage": urls.absolute(page.url),
            "datePublished": a.published.isoformat(), "dateModified": a.updated.isoformat(),
            "author": {"@type": "Person", "name": a.author}, "image": urls.absolute("img/social.jpg"),
            "publisher": {"@type": "Organization", "name": c.title, "logo": {"@type": "ImageObject", "url": urls.absolute("img/apple-touch-icon.png")}},
            "inLanguage": c.language,
        }
    return None


def _iso_duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{s}S"


