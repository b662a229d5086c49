"""Rules of the Podcasting 2.0 namespace that the configuration checks (the feed writer trusts
them), kept apart from the feed writer (lxml, feedgen): reading site.toml must stay cheap."""
from __future__ import annotations

import re
import uuid
from typing import Final

# docs/tags/guid.md: the fixed "podcast" namespace for UUIDv5 feed GUIDs.
PODCAST_GUID_NAMESPACE: Final = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
# The spec asks publishers not to exceed this in text attributes, or aggregators may truncate.
MAX_TEXT: Final = 128

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def podcast_guid_for(feed_url: str) -> str:
    """The podcast:guid for a feed URL: UUIDv5 of the URL without scheme and trailing slashes."""
    if not isinstance(feed_url, str) or not feed_url.strip():
        raise ValueError(f"podcast_guid_for: feed URL must be a non-empty string, got {feed_url!r}")
    seed = _SCHEME.sub("", feed_url.strip()).rstrip("/")
    if not seed:
        raise ValueError(f"podcast_guid_for: feed URL {feed_url!r} has nothing left after removing the scheme")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, seed))
