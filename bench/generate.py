"""Write a synthetic, valid content folder of N entries for benchmarks.

    python bench/generate.py --entries 10000 --out /tmp/content-10k [--seed 1]

The folder looks like the real one grown large: a tag vocabulary and a company
list that grow with the square root of the entry count, tags and companies
used with a Zipf-like spread (a few very common, a long tail), titles, URLs,
dates, authors and summaries of realistic shape. Every tag is used at least
twice and no two titles or names are near-duplicates, so ``readinglist check
--strict`` passes on the result. The same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from readinglist.build.checking import collector_paused
from readinglist.catalog.model import KINDS
from readinglist.catalog.titles import similar_pairs, similar_titles
from readinglist.catalog.urls import slugify
from readinglist.catalog.vocabulary import NEAR_DUPLICATE_NAME, lookup_key

TOPICS = (
    "MLOps",
    "Feature store",
    "Model monitoring",
    "Data drift",
    "Model serving",
    "Online inference",
    "Batch inference",
    "Experiment tracking",
    "Model registry",
    "Data versioning",
    "Data quality",
    "Data validation",
    "Continuous training",
    "CI/CD for ML",
    "Distributed training",
    "Hyperparameter tuning",
    "AutoML",
    "Recommender systems",
    "Search ranking",
    "Embeddings",
    "Vector databases",
    "LLM operations",
    "Prompt engineering",
    "Fine-tuning",
    "Retrieval augmented generation",
    "GPU scheduling",
    "Kubernetes",
    "Ray",
    "Spark",
    "Airflow",
    "Kubeflow",
    "MLflow",
    "Feature engineering",
    "Real-time ML",
    "Streaming",
    "Data pipelines",
    "Data mesh",
    "Data contracts",
    "Observability",
    "Explainability",
    "Fairness",
    "Privacy",
    "Federated learning",
    "Edge deployment",
    "Model compression",
    "Quantization",
    "Cost optimisation",
    "Platform engineering",
    "Testing ML systems",
    "Shadow deployment",
    "A/B testing",
    "Causal inference",
    "Forecasting",
    "Anomaly detection",
    "Fraud detection",
    "Computer vision",
    "Speech recognition",
    "Natural language processing",
    "Labelling",
    "Active learning",
    "Synthetic data",
    "Data catalogs",
    "Lineage",
    "Governance",
    "Reproducibility",
    "Notebooks",
    "Model cards",
    "Incident response",
    "On-call",
    "Capacity planning",
    "Latency",
    "Caching",
    "Serverless ML",
    "Model ensembles",
    "Transfer learning",
    "Reinforcement learning",
    "Graph neural networks",
    "Time series",
    "Tabular data",
    "Evaluation",
    "Benchmarks",
    "Best practices",
    "Career",
    "Team structure",
    "Technical debt",
    "Architecture",
    "Case study",
)
QUALIFIERS = (
    "at scale",
    "for startups",
    "in regulated industries",
    "on a budget",
    "for beginners",
    "in healthcare",
    "in finance",
    "in retail",
    "for mobile",
    "with open source",
    "on the cloud",
    "on premises",
    "for research teams",
    "in e-commerce",
    "in gaming",
)
KNOWN_COMPANIES = (
    "Uber",
    "Netflix",
    "Google",
    "Meta",
    "Amazon",
    "Microsoft",
    "LinkedIn",
    "Airbnb",
    "Spotify",
    "Pinterest",
    "Lyft",
    "DoorDash",
    "Instacart",
    "Stripe",
    "Shopify",
    "Etsy",
    "Booking",
    "Zalando",
    "Twitter",
    "Snap",
    "Coinbase",
    "Nubank",
    "Grab",
    "Gojek",
    "Swiggy",
    "Zomato",
    "Walmart",
    "Target",
    "Wayfair",
    "Expedia",
    "Yelp",
    "Reddit",
    "Discord",
    "Dropbox",
    "Slack",
    "Salesforce",
    "Intuit",
    "PayPal",
    "Square",
    "Robinhood",
    "Anyscale",
    "Databricks",
    "Snowflake",
    "Tecton",
    "Weights and Biases",
    "Neptune",
    "Hugging Face",
    "OpenAI",
    "Anthropic",
    "Cohere",
    "NVIDIA",
    "Intel",
    "Apple",
    "Adobe",
)
SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "to",
    "vi",
    "zu",
    "bel",
    "cor",
    "dax",
    "fen",
    "gul",
    "hex",
    "jor",
    "kin",
    "lum",
    "mor",
    "nix",
    "pol",
    "qua",
    "rin",
    "sol",
    "tav",
    "ul",
    "ven",
    "wex",
    "yar",
    "zen",
    "bra",
    "cli",
    "dro",
    "fla",
    "gri",
    "pla",
    "tro",
)
FIRST_NAMES = (
    "Ada",
    "Ben",
    "Chen",
    "Dana",
    "Elif",
    "Farah",
    "Gabe",
    "Hana",
    "Ivan",
    "Jun",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Chip",
    "Eugene",
    "Martin",
    "Shreya",
)
LAST_NAMES = (
    "Abe",
    "Bauer",
    "Costa",
    "Diaz",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Huang",
    "Ito",
    "Jensen",
    "Kim",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Singh",
    "Tanaka",
    "Usman",
    "Varga",
    "Wang",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Huyen",
    "Yan",
)
TITLE_TEMPLATES = (
    "{gerund} {topic} {at} {company}",
    "{topic}: {a} {adjective} {noun} {to} {topic2}",
    "How {company} {past} {topic} {for} {crowd}",
    "{number} {adjective} {nouns} about {topic}",
    "Meet {product}: {company}'s {topic} platform",
    "{topic} versus {topic2}: {subtitle}",
    "The {adjective} guide to {topic} {qualifier}",
    "{gerund} {adjective} {topic} with {tool}",
    "Why {company} moved {topic} to {tool}",
    "What we learned {gerund_lower} {topic} {at} {company}",
    "{topic} {qualifier}: {subtitle}",
    "Inside {company}'s {adjective} {topic} stack",
)
GERUNDS = (
    "Scaling",
    "Building",
    "Rethinking",
    "Debugging",
    "Monitoring",
    "Testing",
    "Automating",
    "Operating",
    "Migrating",
    "Securing",
    "Simplifying",
    "Evaluating",
    "Designing",
    "Shipping",
    "Running",
    "Serving",
    "Versioning",
    "Observing",
    "Benchmarking",
    "Standardising",
)
ADJECTIVES = (
    "practical",
    "pragmatic",
    "opinionated",
    "unreasonable",
    "hidden",
    "boring",
    "modern",
    "minimal",
    "resilient",
    "cheap",
    "fast",
    "reliable",
    "secure",
    "open",
    "humble",
    "honest",
    "complete",
    "missing",
    "surprising",
    "essential",
    "underrated",
    "painful",
    "gentle",
)
NOUNS = (
    "guide",
    "primer",
    "playbook",
    "checklist",
    "blueprint",
    "tour",
    "retrospective",
    "postmortem",
    "field guide",
    "deep dive",
    "case study",
    "handbook",
    "manifesto",
)
PAST_VERBS = (
    "rebuilt",
    "scaled",
    "tamed",
    "automated",
    "rewrote",
    "simplified",
    "unified",
    "sped up",
    "cut the cost of",
    "open-sourced",
    "replaced",
    "standardised",
)
CROWDS = (
    "millions of riders",
    "hundreds of teams",
    "every product team",
    "real-time bidding",
    "search and ads",
    "fraud prevention",
    "its marketplace",
    "global payments",
    "personalised feeds",
    "support tickets",
    "delivery estimates",
    "pricing",
)
TOOLS = (
    "Ray",
    "Spark",
    "Kubernetes",
    "Airflow",
    "Kubeflow",
    "MLflow",
    "Feast",
    "Flink",
    "Kafka",
    "DuckDB",
    "Dask",
    "Triton",
    "BentoML",
    "Metaflow",
    "Dagster",
    "Prefect",
    "dbt",
    "ONNX",
)
SUBTITLES = (
    "what we learned",
    "lessons learned",
    "a retrospective",
    "the hard parts",
    "mistakes we made",
    "an architecture overview",
    "a field report",
    "notes from the trenches",
    "a practitioner's view",
    "what actually matters",
    "where to start",
    "a decision guide",
)
SUMMARY_SENTENCES = (
    "A walk through how the team designed {topic} and the trade-offs along the way.",
    "Covers the failure modes of {topic} and how to notice them before users do.",
    "Useful for anyone moving {topic} from a notebook to a service.",
    "Explains the architecture with diagrams and numbers from production.",
    "Argues that {topic} is an organisational problem as much as a technical one.",
    "Includes a checklist for {topic} that is worth keeping.",
    "Compares open-source options for {topic} and says when each fits.",
)
KIND_WEIGHTS = (60, 12, 3, 3, 5, 4, 5, 4, 1, 2, 1)
FIRST_DAY = datetime.date(2012, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
FIRST_ADDED = datetime.date(2024, 1, 1)
LAST_ADDED = datetime.date(2026, 6, 30)


@dataclass(frozen=True)
class Vocabulary:
    """Generated tags and companies, most used first."""

    tag_ids: tuple[str, ...]
    tag_names: tuple[str, ...]
    company_names: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """One entry before its title is known to be distinct."""

    tags: tuple[str, ...]
    topic: str
    company: str
    has_company: bool
    kind: str
    date: datetime.date
    added: datetime.date
    authors: tuple[str, ...]
    summary: str


def zipf_weights(n: int, exponent: float = 1.1) -> list[float]:
    """Cumulative weights for ``random.choices``: rank r is drawn in proportion to 1/r^s."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


def distinct_names(candidates: Sequence[str], count: int) -> list[str]:
    """``count`` candidates, in order, with distinct ids and no two near-duplicates.

    Uses the checker's own comparison, so the checker finds nothing to warn about.
    """
    taken: list[str] = []
    remaining = iter(candidates)
    while True:
        ids: set[str] = set()
        unique = []
        for name in taken:
            if slugify(name) not in ids:
                ids.add(slugify(name))
                unique.append(name)
        keys = [lookup_key(name) for name in unique]
        close = {second for _, second in similar_pairs(keys, NEAR_DUPLICATE_NAME)}
        taken = [name for index, name in enumerate(unique) if index not in close]
        if len(taken) >= count:
            return taken[:count]
        more = list(itertools.islice(remaining, count - len(taken)))
        if not more:
            return taken
        taken += more


def tag_candidates(rng: random.Random) -> list[str]:
    combined = [f"{topic} {qualifier}" for topic in TOPICS for qualifier in QUALIFIERS]
    rng.shuffle(combined)
    return list(TOPICS) + combined


def company_candidates(rng: random.Random, count: int) -> list[str]:
    invented = []
    for _ in range(count * 3):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        invented.append(word.capitalize() + rng.choice(("", "", " Labs", " AI", " Data")))
    return list(KNOWN_COMPANIES) + invented


def make_vocabulary(rng: random.Random, entries: int) -> Vocabulary:
    # Every tag is used at least twice, so there can be at most half as many tags as entries.
    tag_count = max(1, min(int(20 + 2 * math.sqrt(entries)), entries // 2))
    company_count = max(1, int(20 + 4 * math.sqrt(entries)))
    tags = distinct_names(tag_candidates(rng), tag_count)
    companies = distinct_names(company_candidates(rng, company_count), company_count)
    return Vocabulary(tuple(slugify(t) for t in tags), tuple(tags), tuple(companies))


def yaml_text(value: str) -> str:
    """A plain scalar when YAML reads it back unchanged, otherwise a double-quoted one."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.'()&/+?!-]*", value) and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def vocabulary_yml(what: str, items: Sequence[tuple[str, str, str, str]]) -> str:
    """tags.yml or companies.yml: (id, name, second field as ``key: value``, alias)."""
    lines = [f"# Synthetic {what} written by bench/generate.py."]
    for ident, name, second, alias in items:
        aliases = f"[{yaml_text(alias)}]" if alias else "[]"
        lines += [f"{ident}:", f"  name: {yaml_text(name)}", f"  {second}", f"  aliases: {aliases}"]
    return "\n".join(lines) + "\n"


def tags_yml(vocabulary: Vocabulary) -> str:
    return vocabulary_yml(
        "tag vocabulary",
        [
            (
                ident,
                name,
                f"description: {yaml_text(f'Resources about {name.lower()}.')}",
                name.lower() + "s" if len(name) > 12 else "",
            )
            for ident, name in zip(vocabulary.tag_ids, vocabulary.tag_names, strict=True)
        ],
    )


def companies_yml(vocabulary: Vocabulary) -> str:
    return vocabulary_yml(
        "company list",
        [
            (
                slugify(name),
                name,
                f"homepage: https://www.{slugify(name).replace('-', '')}.com/",
                name + " Engineering",
            )
            for name in vocabulary.company_names
        ],
    )


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def make_title(rng: random.Random, draft: Draft) -> str:
    gerund = rng.choice(GERUNDS)
    adjective = rng.choice(ADJECTIVES)
    product = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return rng.choice(TITLE_TEMPLATES).format(
        gerund=gerund,
        gerund_lower=gerund.lower(),
        topic=draft.topic,
        topic2=rng.choice(TOPICS).lower(),
        company=draft.company,
        product=product,
        adjective=adjective,
        noun=rng.choice(NOUNS),
        nouns=rng.choice(NOUNS) + "s",
        past=rng.choice(PAST_VERBS),
        crowd=rng.choice(CROWDS),
        tool=rng.choice(TOOLS),
        subtitle=rng.choice(SUBTITLES),
        qualifier=rng.choice(QUALIFIERS),
        number=rng.randint(3, 12),
        a="an" if adjective[0] in "aeiou" else "a",
        at=rng.choice(("at", "at", "in", "for")),
        to=rng.choice(("to", "for", "on")),
        **{"for": rng.choice(("for", "across", "behind"))},
    )


def make_url(rng: random.Random, kind: str, index: int, slug: str, date: datetime.date) -> str:
    if kind == "paper":
        return f"https://arxiv.org/abs/{date:%y%m}.{index:05d}"
    if kind == "repository":
        return f"https://github.com/{rng.choice(LAST_NAMES).lower()}/{slug[:40].strip('-')}"
    if kind == "thread":
        return f"https://twitter.com/{rng.choice(LAST_NAMES).lower()}/status/{10**17 + index}"
    host = rng.choice(("medium.com/@", "blog.", "engineering.", "www.", ""))
    site = slugify(rng.choice(LAST_NAMES)) if host == "medium.com/@" else f"site{index % 997}.com"
    return f"https://{host}{site}/{date:%Y/%m}/{slug}"


def make_draft(
    rng: random.Random,
    vocabulary: Vocabulary,
    forced_tag: int | None,
    tag_weights: list[float],
    company_weights: list[float],
) -> Draft:
    count = rng.choices((1, 2, 3, 4, 5), weights=(25, 35, 25, 10, 5))[0]
    ranks = set(rng.choices(range(len(vocabulary.tag_ids)), cum_weights=tag_weights, k=count))
    if forced_tag is not None:
        ranks.add(forced_tag)
    ordered = sorted(ranks)[:6]
    company_rank = rng.choices(range(len(vocabulary.company_names)), cum_weights=company_weights)
    date = random_day(rng, FIRST_DAY, LAST_DAY)
    topic = vocabulary.tag_names[ordered[0]]
    sentences = rng.sample(SUMMARY_SENTENCES, rng.randint(1, 3))
    return Draft(
        tags=tuple(vocabulary.tag_ids[r] for r in ordered),
        topic=topic,
        company=vocabulary.company_names[company_rank[0]],
        has_company=rng.random() < 0.6,
        kind=rng.choices(KINDS, weights=KIND_WEIGHTS)[0],
        date=date,
        added=random_day(rng, max(date, FIRST_ADDED), LAST_ADDED),
        authors=tuple(
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(0, 3))
        ),
        summary=" ".join(s.format(topic=topic.lower()) for s in sentences),
    )


def distinct_titles(rng: random.Random, drafts: list[Draft]) -> list[str]:
    """A title per draft, none a near-duplicate of another by the checker's own measure.

    A clash is drawn again; a title still clashing after that becomes one part
    of a series (``..., part 12``), which the checker counts as a different work.
    """
    titles = [make_title(rng, draft) for draft in drafts]
    for attempt in itertools.count():
        close = {second for _, second in similar_titles(titles)}
        if not close:
            return titles
        for index in sorted(close):
            title = make_title(rng, drafts[index])
            titles[index] = f"{title}, part {index + 1}" if attempt >= 2 else title
    raise AssertionError("unreachable")  # itertools.count never ends


def entry_text(rng: random.Random, draft: Draft, title: str, url: str) -> str:
    lines = ["---", f"title: {yaml_text(title)}", f"url: {url}", f"date: {draft.date}"]
    lines.append(f"tags: [{', '.join(draft.tags)}]")
    if draft.has_company:
        lines.append(f"company: {yaml_text(draft.company)}")
    if draft.kind != "article" or rng.random() < 0.5:
        lines.append(f"kind: {draft.kind}")
    if draft.authors:
        lines.append(f"authors: [{', '.join(draft.authors)}]")
    lines += [f"added: {draft.added}", "---", draft.summary]
    return "\n".join(lines) + "\n"


def generate(entries: int, out: Path, seed: int) -> int:
    """Write the folder; return how many entry files were written."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, entries)
    tag_weights = zipf_weights(len(vocabulary.tag_ids))
    company_weights = zipf_weights(len(vocabulary.company_names))
    tag_count = len(vocabulary.tag_ids)
    drafts = [
        # The first entries walk the vocabulary twice, so no tag is used only once.
        make_draft(
            rng,
            vocabulary,
            index % tag_count if index < 2 * tag_count else None,
            tag_weights,
            company_weights,
        )
        for index in range(entries)
    ]
    titles = distinct_titles(rng, drafts)
    (out / "entries").mkdir(parents=True, exist_ok=True)
    (out / "tags.yml").write_text(tags_yml(vocabulary), encoding="utf-8")
    (out / "companies.yml").write_text(companies_yml(vocabulary), encoding="utf-8")
    slugs: set[str] = set()
    for index, (draft, title) in enumerate(zip(drafts, titles, strict=True)):
        slug = base = slugify(title, 60)
        for suffix in itertools.count(2):
            if slug not in slugs:
                break
            slug = f"{base}-{suffix}"
        slugs.add(slug)
        url = make_url(rng, draft.kind, index, slug, draft.date)
        text = entry_text(rng, draft, title, url)
        (out / "entries" / f"{slug}.md").write_text(text, encoding="utf-8")
    return len(drafts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic, valid content folder.")
    parser.add_argument("--entries", type=int, required=True, help="how many entries to write")
    parser.add_argument("--out", type=Path, required=True, help="content folder to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args(argv)
    if args.entries < 1:
        parser.error("--entries must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    with collector_paused():  # the same churn as a check, the same cure
        written = generate(args.entries, args.out, args.seed)
    sys.stdout.write(f"wrote {written} entries to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
