"""An item's rendered HTML, loaded only when something shows it.

A build that reuses the cache decodes every document, yet an unchanged post's body is rarely
needed: its page is current and its feed item and search entry are reused as bytes. At 20,000
posts the bodies are 150 MB, so a body read from the cache stays there until asked for.
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
        if self._text is None:
            assert self._load is not None
            self._text, self._load = self._load(), None
        return self._text

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

