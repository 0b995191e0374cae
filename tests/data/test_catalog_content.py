"""The shipped catalog follows the article (content is data, checked like code)."""

from __future__ import annotations

from studyplan import paths
from studyplan.catalog.loader import load_catalog

ARTICLE_IDS = [
    ["deeplearning-tv", "nips2015-tutorial", "nielsen-ch1"],
    ["ng-linear-algebra", "cs229-linalg", "leonard-derivative", "wiki-sigmoid", "quocle-part1"],
    ["toussaint-gd", "mazur-backprop", "kun-backprop", "kun-code", "quocle-part2"],
]


def test_shipped_catalog_is_valid_and_complete() -> None:
    catalog = load_catalog(paths.bundled_catalog())
    assert catalog.source.author == "Matthew Mayo"
    assert [s.number for s in catalog.steps] == [1, 2, 3, 4, 5, 6, 7]
    for step, ids in zip(catalog.steps[:3], ARTICLE_IDS, strict=True):
        assert [r.id for r in step.resources] == ids
        assert {r.provenance.label for r in step.resources} == {"article"}
    for step in catalog.steps[3:]:
        assert len(step.resources) >= 3, step.title
        assert all(r.provenance.label != "article" for r in step.resources)
    for step in catalog.steps:
        assert step.summary.strip(), f"step {step.number} has no summary"
        for r in step.resources:
            assert r.minutes > 0 and r.authors and r.tags, r.id


def test_recovered_and_curated_entries_say_why() -> None:
    catalog = load_catalog(paths.bundled_catalog())
    resources = {r.id: r for s in catalog.steps for r in s.resources}
    assert resources["tf-disappoints"].provenance.label == "article-recovered"
    assert "5" in resources["deeplearning-tv"].advice
    for rid in ("toussaint-gd", "ng-linear-algebra"):
        assert resources[rid].alternatives, f"{rid} is likely gone but has no alternative"


def test_mazur_and_nielsen_addresses() -> None:
    catalog = load_catalog(paths.bundled_catalog())
    urls = {r.id: r.url for s in catalog.steps for r in s.resources}
    assert (
        urls["mazur-backprop"]
        == "https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/"
    )
    assert urls["nielsen-ch1"] == "http://neuralnetworksanddeeplearning.com/chap1.html"
