"""Apple Podcasts category checks."""
from __future__ import annotations

import pytest

from sitegen.apple_categories import APPLE_CATEGORIES, check_category


def test_nineteen_top_categories() -> None:
    assert len(APPLE_CATEGORIES) == 19
    assert {"Arts", "Business", "Comedy", "Education", "Fiction", "Government", "History", "Health & Fitness",
            "Kids & Family", "Leisure", "Music", "News", "Religion & Spirituality", "Science",
            "Society & Culture", "Sports", "Technology", "True Crime", "TV & Film"} == set(APPLE_CATEGORIES)


def test_categories_without_subcategories() -> None:
    assert sorted(c for c, subs in APPLE_CATEGORIES.items() if not subs) == [
        "Government", "History", "Technology", "True Crime"]


def test_mapping_is_frozen() -> None:
    with pytest.raises(TypeError):
        APPLE_CATEGORIES["Podcasting"] = ()  # type: ignore[index]
    assert all(isinstance(subs, tuple) for subs in APPLE_CATEGORIES.values())


def test_subcategory_names_are_unique() -> None:
    # Lets a misplaced subcategory point at its one true parent.
    every = [s for subs in APPLE_CATEGORIES.values() for s in subs]
    assert len(every) == len(set(every)) == 91


@pytest.mark.parametrize("category, subcategory", [
    ("Sports", "Running"),
    ("Health & Fitness", "Fitness"),
    ("Sports", None),
    ("Technology", None),
    ("True Crime", None),
    ("Education", "How To"),
    ("Comedy", "Stand-Up"),
    ("Business", "Non-Profit"),
    ("Kids & Family", "Pets & Animals"),
    ("TV & Film", "After Shows"),
    ("News", "Tech News"),
    ("Society & Culture", "Places & Travel"),
])
def test_valid_pairs(category: str, subcategory: str | None) -> None:
    assert check_category(category, subcategory) is None


def test_every_listed_pair_is_valid() -> None:
    for category, subs in APPLE_CATEGORIES.items():
        assert check_category(category, None) is None
        for sub in subs:
            assert check_category(category, sub) is None


@pytest.mark.parametrize("category, subcategory, suggestion", [
    ("Sport", "Running", '"Sports"'),
    ("sports", None, '"Sports"'),
    ("Health and Fitness", "Fitness", '"Health & Fitness"'),
    ("Health &amp; Fitness", "Fitness", '"Health & Fitness"'),
    ("Helth & Fitness", None, '"Health & Fitness"'),
    ("TV and Film", None, '"TV & Film"'),
    ("Sports", "Runing", '"Running"'),
    ("Sports", "running", '"Running"'),
    ("Education", "How-To", '"How To"'),
    ("Comedy", "Stand Up", '"Stand-Up"'),
    ("Arts", "Fashion &amp; Beauty", '"Fashion & Beauty"'),
    ("Health & Fitness", "Running", '"Sports" > "Running"'),
    ("Technology", "Tech News", '"News" > "Tech News"'),
])
def test_did_you_mean(category: str, subcategory: str | None, suggestion: str) -> None:
    message = check_category(category, subcategory)
    assert message is not None
    assert f"did you mean {suggestion}?" in message


def test_escaped_ampersand_gets_a_hint() -> None:
    message = check_category("Health &amp; Fitness", None)
    assert message is not None and 'plain "&"' in message


def test_no_subcategories_message() -> None:
    message = check_category("Government", "Local")
    assert message == '"Local" is not a subcategory of "Government": "Government" has no subcategories'


def test_unknown_subcategory_lists_choices() -> None:
    message = check_category("Sports", "Backward Walking")
    assert message is not None
    assert "did you mean" not in message
    assert "choose one of: Baseball, " in message and "Running" in message


def test_empty_subcategory_is_reported() -> None:
    message = check_category("Sports", "")
    assert message is not None and "empty subcategory" in message


def test_unknown_category_without_close_match() -> None:
    message = check_category("Backward Walking", None)
    assert message == '"Backward Walking" is not an Apple Podcasts category'
