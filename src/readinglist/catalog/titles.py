"""Near-duplicate titles: which titles probably name the same work, found without
comparing every pair, and the warnings that say so.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence

from readinglist.catalog.model import Entry
from readinglist.problems import Problem

NEAR_DUPLICATE_TITLE = 0.92
"""Titles at least this similar are probably the same work."""
SHORT_KEY = 24
"""Names up to this long are also compared when they differ by one character."""
_WORD_RE = re.compile(r"[^\W_]+")
_TITLE_STOPWORDS = {"a", "an", "the", "of", "and", "for", "to", "in", "on", "at", "with"}

Key = str | tuple[str, ...]
LeftOut = tuple[str, int] | None
"""The word left out to make a key, and its place; None for the character keys."""


def normalise_title(title: str) -> str:
    """Lowercase words without accents, punctuation or little words, for comparing titles."""
    text = title
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    words = _WORD_RE.findall(text.casefold())
    return " ".join(w for w in words if w not in _TITLE_STOPWORDS)


def _numbers(text: str) -> list[str]:
    return [word for word in text.split() if word.isdigit()]


def blocking_keys(text: str) -> dict[Key, LeftOut]:
    """Keys two texts share when they differ in at most one word, or (short) one character.

    Each word key maps to the word left out to make it and its place ("" and
    -1 for none), the character keys to None; the left-out words bound the
    similarity without difflib.
    """
    words = text.split()
    if not words:
        return {}
    compact = "".join(words)
    keys: dict[Key, LeftOut] = {compact: None}
    if len(compact) <= SHORT_KEY:
        keys.update(dict.fromkeys(compact[:i] + compact[i + 1 :] for i in range(len(compact))))
    if len(words) > 1:
        # Word keys are tuples, so they never meet the character keys, which are text.
        whole = tuple(words)
        keys[whole] = ("", -1)
        for i in range(len(whole)):
            keys.setdefault(whole[:i] + whole[i + 1 :], (whole[i], i))
    return keys


def _shared_letters(a: str, b: str) -> int:
    """How many letters two words have in common, as multisets."""
    return sum(min(a.count(c), b.count(c)) for c in set(a))


def _common_subsequence(a: str, b: str) -> int:
    """The length of the longest common subsequence of two (short) words."""
    row = [0] * (len(b) + 1)
    for char in a:
        diagonal = 0
        for j, other in enumerate(b, 1):
            above = row[j]
            if char == other:
                row[j] = diagonal + 1
            elif row[j - 1] > above:
                row[j] = row[j - 1]
            diagonal = above
    return row[-1]


def similar_pairs(
    texts: Sequence[str], threshold: float, apart: Callable[[str, str], bool] | None = None
) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) of texts whose difflib ratio is at least ``threshold``.

    ``apart(a, b)``, when given, names pairs that are never similar however
    alike they are; it is asked before difflib, which costs more.

    Texts are compared with runs of spaces made one. Comparing every pair is
    quadratic, too slow for a large catalog. Only candidates are compared: texts
    equal but for spaces, for one word (added, removed or changed) or, when
    short, for one character; that is how near duplicates come about (a typo, a
    plural, ``Part 1``, ``MLOps`` against ``ML Ops``). Each pair is reported once,
    in index order.
    """
    texts = [" ".join(text.split()) for text in texts]
    # difflib's ratio depends on which text comes first, so texts are compared
    # in sorted order: the answer never depends on how the files are named.
    order = sorted(range(len(texts)), key=texts.__getitem__)
    ordered = [texts[index] for index in order]
    earlier = _candidates(_buckets(ordered), ordered, threshold)
    pairs = []
    # One matcher per later text: difflib indexes its second sequence once.
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for second in sorted(earlier):
        b = ordered[second]
        indexed = False
        for first in sorted(earlier[second]):
            a = ordered[first]
            if apart is not None and apart(a, b):
                continue
            if a != b:
                # The length bound is difflib's real_quick_ratio, without its call.
                if 2 * min(len(a), len(b)) < threshold * (len(a) + len(b)):
                    continue
                if not indexed:
                    matcher.set_seq2(b)
                    indexed = True
                matcher.set_seq1(a)
                if matcher.quick_ratio() < threshold or matcher.ratio() < threshold:
                    continue
            pairs.append((min(order[first], order[second]), max(order[first], order[second])))
    return sorted(pairs)


def similar_groups(texts: Sequence[str], threshold: float) -> list[list[int]]:
    """The indexes of texts linked by similarity, group by group, each in index order.

    Two texts are linked when :func:`similar_pairs` would pair them, and a group
    holds every text linked to another of it, directly or through others. It
    never lists every pair, which for 1,000 near-identical names is 500,000 of
    them: texts already in one group are not compared again, equal texts are
    compared once, and texts whose lengths alone rule the threshold out not at
    all. 1,000 similar tag names are grouped in under 0.1 s, where listing
    their pairs took 3 to 10 s.
    """
    spaced = [" ".join(text.split()) for text in texts]
    distinct = sorted({text for text in spaced if text})
    parent = list(range(len(distinct)))
    known: tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]] = ({}, {})
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for members in _buckets(distinct).values():
        for pairs in _length_pairs(members, distinct, threshold):
            for (p, p_out), (q, q_out) in pairs:
                p_root, q_root = _root(parent, p), _root(parent, q)
                if p_root == q_root:
                    continue
                if p > q:
                    (p, p_out), (q, q_out) = (q, q_out), (p, p_out)
                a, b = distinct[p], distinct[q]
                if (
                    p_out
                    and q_out
                    and p_out[0]
                    and q_out[0]
                    and not _word_may_match(
                        p_out, q_out, len(a) + len(b), len(a) - len(p_out[0]), threshold, known
                    )
                ):
                    continue
                matcher.set_seqs(a, b)
                if matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold:
                    parent[p_root] = q_root
    position = {text: place for place, text in enumerate(distinct)}
    groups: dict[int, list[int]] = {}
    for index, text in enumerate(spaced):
        if text:
            groups.setdefault(_root(parent, position[text]), []).append(index)
    return sorted(group for group in groups.values() if len(group) > 1)


def _root(parent: list[int], place: int) -> int:
    """The group ``place`` is in, halving the path there for the next time."""
    while parent[place] != place:
        parent[place] = parent[parent[place]]
        place = parent[place]
    return place


Member = tuple[int, LeftOut]


def _length_pairs(
    members: Sequence[Member], texts: Sequence[str], threshold: float
) -> Iterable[Iterable[tuple[Member, Member]]]:
    """The pairs of a bucket's members, by lengths, leaving out the lengths that cannot
    reach ``threshold``: difflib's ratio is at most 2 * shorter / (both), and two
    different texts of one length share at most all their characters but one."""
    by_length: dict[int, list[Member]] = {}
    for member in members:
        by_length.setdefault(len(texts[member[0]]), []).append(member)
    lengths = sorted(by_length)
    for place, short in enumerate(lengths):
        if 2 * (short - 1) >= threshold * 2 * short:
            yield itertools.combinations(by_length[short], 2)
        for long in lengths[place + 1 :]:
            if 2 * short < threshold * (short + long):
                break
            yield itertools.product(by_length[short], by_length[long])


def _buckets(ordered: Sequence[str]) -> dict[Key, list[tuple[int, LeftOut]]]:
    """The texts (by position) sharing each blocking key that more than one text holds."""
    # Nearly every key belongs to one text only: the first member of each key is
    # kept on its own, and a bucket made only for keys that a second text shares.
    first_members: dict[Key, tuple[int, LeftOut]] = {}
    buckets: dict[Key, list[tuple[int, LeftOut]]] = {}
    for position, text in enumerate(ordered):
        for key, left_out in blocking_keys(text).items():
            member = (position, left_out)
            earliest = first_members.setdefault(key, member)
            if earliest is not member:
                bucket = buckets.get(key)
                if bucket is None:
                    buckets[key] = [earliest, member]
                else:
                    bucket.append(member)
    return buckets


def _candidates(
    buckets: Mapping[Key, list[tuple[int, LeftOut]]], ordered: Sequence[str], threshold: float
) -> dict[int, set[int]]:
    """For each later text, the earlier ones sharing a key that may be alike enough."""
    earlier: dict[int, set[int]] = {}
    letters: dict[tuple[str, str], int] = {}
    subsequences: dict[tuple[str, str], int] = {}
    for members in buckets.values():
        for place in range(1, len(members)):
            second, second_out = members[place]
            b_length = len(ordered[second])
            for first, first_out in members[:place]:
                if (
                    first_out
                    and second_out
                    and first_out[0]
                    and second_out[0]
                    and not _word_may_match(
                        first_out,
                        second_out,
                        len(ordered[first]) + b_length,
                        len(ordered[first]) - len(first_out[0]),
                        threshold,
                        (letters, subsequences),
                    )
                ):
                    continue
                earlier.setdefault(second, set()).add(first)
    return earlier


def _word_may_match(
    first_out: tuple[str, int],
    second_out: tuple[str, int],
    lengths: int,
    unchanged: int,
    threshold: float,
    known: tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]],
) -> bool:
    """Whether two texts equal but for one changed word may still reach ``threshold``.

    ``needed`` is how many of the word's letters difflib would have to match.
    """
    needed = threshold * lengths / 2 - unchanged
    if needed > min(len(first_out[0]), len(second_out[0])):
        return False
    if needed <= 0:
        return True
    # Two texts equal but for one word share every other letter. The letters the
    # two words share bound what difflib can match; when the word is in the same
    # place, so does their longest common subsequence (equal prefixes and suffixes
    # always belong to one), which is tighter and dearer.
    letters, subsequences = known
    words = (first_out[0], second_out[0])
    shared = letters.get(words)
    if shared is None:
        shared = letters[words] = _shared_letters(*words)
    if shared < needed:
        return False
    if first_out[1] == second_out[1]:
        common = subsequences.get(words)
        if common is None:
            common = subsequences[words] = _common_subsequence(*words)
        if common < needed:
            return False
    return True


def similar_titles(titles: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) of titles that probably name the same work.

    Titles are compared without case, accents, punctuation or little words;
    titles that differ in a number (Part 1 and Part 2, the 2022 and 2023
    editions) are different works however alike the rest is.
    """
    normalised = [normalise_title(title) for title in titles]
    return similar_pairs(normalised, NEAR_DUPLICATE_TITLE, _numbers_differ)


def near_duplicate_titles(
    entries: Iterable[Entry],
    title_lines: Mapping[str, int],
    similar: Callable[[Sequence[str]], list[tuple[int, int]]] = similar_titles,
) -> list[Problem]:
    """A warning on each entry whose title is very like that of an entry before it (by path)."""
    ordered = sorted(entries, key=lambda e: e.path)
    return [
        Problem(
            ordered[second].path,
            title_lines[ordered[second].path],
            "title",
            f"is very like the title of {ordered[first].path}",
            "if it is the same work, keep one entry",
            "warning",
        )
        for first, second in similar([entry.title for entry in ordered])
    ]


def _numbers_differ(first: str, second: str) -> bool:
    return _numbers(first) != _numbers(second)


def title_keys(title: str) -> set[str]:
    """The blocking keys :func:`similar_titles` files a title under, each as one string:
    two titles are compared only when they share one."""
    keys = blocking_keys(" ".join(normalise_title(title).split()))
    return {key if isinstance(key, str) else "\x1f".join(key) for key in keys}
