"""vocabulary: tags and companies, and the one lookup that resolves every spelling."""

from __future__ import annotations

from pathlib import Path

from readinglist.catalog.model import Company, Tag
from readinglist.catalog.read import read_content
from readinglist.catalog.vocabulary import (
    Vocabulary,
    did_you_mean,
    lookup_key,
    read_vocabulary,
)


def test_lookup_key_and_did_you_mean() -> None:
    assert lookup_key(" ML_Ops-Platform ") == "ml ops platform"
    assert (
        did_you_mean("featur-store", ["feature-store", "mlops"]) == "did you mean 'feature-store'?"
    )
    assert did_you_mean("zzz", ["feature-store", "mlops"]) == ""


def test_a_vocabulary_resolves_any_spelling_through_its_methods() -> None:
    tags = {"mlops": Tag("mlops", "MLOps", "Running ML in production.", ("ML Ops",))}
    companies = {"uber": Company("uber", "Uber", aliases=("Uber Engineering",))}
    vocabulary = Vocabulary.of(tags, companies)
    for typed in ("mlops", "MLOps", "ml ops", "ML_Ops", "ml-ops", " ML Ops "):
        assert vocabulary.resolve_tag(typed) == "mlops"
    assert vocabulary.resolve_tag("feature store") is None
    assert vocabulary.resolve_company("uber engineering") == "uber"
    assert vocabulary.resolve_company("Lyft") is None
    assert vocabulary.did_you_mean("mlop", "tag") == "did you mean 'mlops'?"
    assert vocabulary.did_you_mean("ubr", "company") == "did you mean 'uber'?"
    assert vocabulary.did_you_mean("zzz", "tag") == ""


def test_the_first_claim_on_a_name_wins_and_the_clash_is_a_problem(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "entries").mkdir(parents=True)
    (content / "tags.yml").write_text(
        "mlops:\n  name: MLOps\n  description: Running ML.\n"
        "ops:\n  name: Ops\n  description: Operations.\n  aliases: [MLOPS]\n"
    )
    vocabulary, problems = read_vocabulary(read_content(content))
    assert vocabulary.resolve_tag("MLOPS") == "mlops"
    assert [p.message for p in problems] == ["'MLOPS' also names tag 'mlops'"]
    assert vocabulary.tag_lines == {"mlops": 1, "ops": 4}


def test_tag_and_company_give_only_items_defined_without_a_problem(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "entries").mkdir(parents=True)
    (content / "tags.yml").write_text(
        "mlops:\n  name: MLOps\n  description: Running ML.\n  aliases: [ML Ops]\n"
        "drift:\n  name: Drift\n"
    )
    (content / "companies.yml").write_text(
        "uber:\n  name: Uber\n  aliases: [Uber Engineering]\nlyft:\n  homepage: x\n"
    )
    vocabulary, _ = read_vocabulary(read_content(content))
    assert vocabulary.tag("ml-ops") == vocabulary.tags["mlops"]
    # The checker lets an entry keep a tag whose definition has a problem; a new entry
    # is given only what the vocabulary defines in full.
    assert vocabulary.resolve_tag("Drift") == "drift"
    assert vocabulary.tag("Drift") is None
    assert vocabulary.tag("quilting") is None
    company = vocabulary.company("uber engineering")
    assert company is not None
    assert company.name == "Uber"
    assert vocabulary.resolve_company("lyft") == "lyft"
    assert vocabulary.company("lyft") is None
