"""Apple Podcasts' category list, to check <itunes:category> values before publishing.

Source: Apple's "Apple Podcasts categories" page (podcasters.apple.com/support/1691),
the list in force since the 2019 revision: 19 categories, 15 of them with
subcategories. Apple matches the text exactly (case, "&", "-", spaces), so a typo
silently drops the show from its category. Write "&" plainly: the XML writer
(lxml) escapes it as &amp;.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

APPLE_CATEGORIES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType({
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
             "Sports News", "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion",
                                "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey", "Rugby",
               "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
})


def _normalize(text: str) -> str:
    # For suggestions only: "health &amp; fitness" or "health and fitness" should still find the name.
    return " ".join(text.replace("&amp;", "&").replace(" and ", " & ").casefold().split())


def _suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest choice, ignoring case, spacing and &amp; escaping; None if nothing is close."""
    by_norm = {_normalize(c): c for c in choices}
    norm = _normalize(word)
    if norm in by_norm:
        return by_norm[norm]
    close = difflib.get_close_matches(norm, list(by_norm), n=1, cutoff=cutoff)
    return by_norm[close[0]] if close else None


def _parent_of(subcategory: str) -> str | None:
    """The category whose subcategory list holds this exact name, if any."""
    for category, subs in APPLE_CATEGORIES.items():
        if subcategory in subs:
            return category
    return None


def _did_you_mean(suggestion: str | None) -> str:
    return f'; did you mean "{suggestion}"?' if suggestion else ""


def _escaped_amp_hint(text: str) -> str:
    return ' (write a plain "&": the XML writer escapes it)' if "&amp;" in text else ""


def _check_top(category: str) -> str | None:
    if category in APPLE_CATEGORIES:
        return None
    return (f'"{category}" is not an Apple Podcasts category'
            f"{_did_you_mean(_suggest(category, APPLE_CATEGORIES))}{_escaped_amp_hint(category)}")


def _misplaced_hint(subcategory: str) -> str:
    """When the subcategory lives under another category, say where."""
    every_sub = [s for subs in APPLE_CATEGORIES.values() for s in subs]
    # Stricter cutoff: a far-fetched jump to another category confuses more than it helps.
    found = _suggest(subcategory, every_sub, cutoff=0.8)
    parent = _parent_of(found) if found else None
    return f'; did you mean "{parent}" > "{found}"?' if parent and found else ""


def _check_sub(category: str, subcategory: str) -> str | None:
    subs = APPLE_CATEGORIES[category]
    if subcategory in subs:
        return None
    if not subcategory.strip():
        return f'empty subcategory under "{category}": leave it out or pick one of {", ".join(subs) or "none"}'
    head = f'"{subcategory}" is not a subcategory of "{category}"'
    if not subs:
        return f'{head}: "{category}" has no subcategories{_misplaced_hint(subcategory)}'
    own = _suggest(subcategory, subs)
    hint = _did_you_mean(own) if own else _misplaced_hint(subcategory)
    if not hint:
        hint = f"; choose one of: {', '.join(subs)}"
    return f"{head}{hint}{_escaped_amp_hint(subcategory)}"


def check_category(category: str, subcategory: str | None) -> str | None:
    """None if Apple accepts the pair; otherwise a message with a did-you-mean suggestion."""
    return _check_top(category) or (None if subcategory is None else _check_sub(category, subcategory))
