"""titles: near-duplicate titles found without comparing every pair, and never missed."""

from __future__ import annotations

import difflib
import itertools
import random

from readinglist.catalog.titles import (
    blocking_keys,
    normalise_title,
    similar_groups,
    similar_pairs,
)


def test_similar_pairs_finds_near_duplicates_without_comparing_everything() -> None:
    titles = [
        normalise_title(t)
        for t in (
            "Meet Michelangelo: Uber's Machine Learning Platform",
            "Rules of Machine Learning",
            "Meet Michelangelo - Uber\u2019s Machine Learning Platforms",
            "The Rules of Machine Learning",
            "MLOps in practice at scale",
            "ML Ops in practice at scale",
            "How Uber scales MLOps",
            "How Lyft scales MLOps",
        )
    ]
    assert similar_pairs(titles, 0.92) == [(0, 2), (1, 3), (4, 5)]
    assert similar_pairs([], 0.9) == []
    assert similar_pairs(["", ""], 0.9) == []


def test_the_shortcuts_in_similar_pairs_never_drop_a_pair_difflib_would_find() -> None:
    words = ["ml", "mlops", "ops", "feature", "store", "stores", "uber", "lyft", "data"]
    words += ["drift", "1", "2", "platform", "platforms", "a", "ab", "ba", "kalomi", "milako"]
    rng = random.Random(7)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(250)]
    for threshold in (0.6, 0.8, 0.92):
        expected = set()
        for i, j in itertools.combinations(range(len(texts)), 2):
            a, b = sorted((texts[i], texts[j]))
            shares_a_key = set(blocking_keys(texts[i])) & set(blocking_keys(texts[j]))
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if shares_a_key and (a == b or matcher.ratio() >= threshold):
                expected.add((i, j))
        assert set(similar_pairs(texts, threshold)) == expected
        assert expected  # the sample does hold near duplicates at every threshold


def components(count: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The groups of more than one index that ``pairs`` link, directly or through others."""
    group = {i: {i} for i in range(count)}
    for i, j in pairs:
        if group[i] is not group[j]:
            merged = group[i] | group[j]
            for k in merged:
                group[k] = merged
    unique = {id(members): sorted(members) for members in group.values() if len(members) > 1}
    return sorted(unique.values())


def test_similar_groups_are_what_the_similar_pairs_link() -> None:
    words = ["ml", "mlops", "ops", "feature", "store", "stores", "uber", "lyft", "data"]
    words += ["drift", "1", "2", "platform", "platforms", "a", "ab", "ba", "kalomi", "milako"]
    rng = random.Random(11)
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(300)]
    texts += ["", "", "  ", "feature  store", "feature store"]
    for threshold in (0.6, 0.8, 0.9, 0.92):
        expected = components(len(texts), similar_pairs(texts, threshold))
        assert similar_groups(texts, threshold) == expected
        assert any(len(group) > 2 for group in expected)
