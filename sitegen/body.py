"""An item's rendered HTML, loaded only when something shows it.

A build that reuses the cache decodes every document, yet an unchanged post's body is rarely
needed: its page is current and its feed item and search entry are reused as bytes. At 20,000
posts the bodies are 150 MB, so a body read from the cache stays there: it is read each time
something asks for it, and never kept. A build that parsed thousands of posts puts their
bodies there too before it makes its outputs (cache.write_docs).
"""
from __future__ import annotations

from typing import Any, Callable


class Body:
    __slots__ = ("_text", "_load")

    def __init__(self, text: str | None = None, load: Callable[[], str] | None = None) -> None:
        if (text is None) == (load is None):
            raise TypeError("Body takes a text or a way to load it, not both")
        self._text = text
        self._load = load

    @property
    def html(self) -> str:
        if self._text is not None:
            return self._text
        assert self._load is not None
        # Read again when asked again, never kept: a worker that renders thousands of pages, or the
        # feed, would otherwise end up holding every body it showed.
        return self._load()

    def spill(self, load: Callable[[], str]) -> None:
        """Let go of the text, now kept where `load` reads it from (the cache file)."""
        self._text, self._load = None, load

    @property
    def loaded(self) -> bool:
        return self._text is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Body) and self.html == other.html

    def __hash__(self) -> int:
        return hash(self.html)

    def __repr__(self) -> str:  # digests of items use repr: the text, never how it is held
        return f"Body({self.html!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # to another process: the text itself
        return Body, (self.html,)

