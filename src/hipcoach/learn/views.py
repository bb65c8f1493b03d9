"""The Learn page: the anatomy model as a diagram and in words, and the stretch's teaching.

Open to everyone (general teaching, no patient data). Everything is rendered here in the page
language; the page's script only toggles what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from coach import protocol
from hipcoach.learn import anatomy, diagram
from hipcoach.learn.anatomy import AnatomyModel, Evidence, Relation


@dataclass(frozen=True, slots=True)
class RelationText:
    sentence: str
    evidence: str
    evidence_label: str
    source: str


@dataclass(frozen=True, slots=True)
class Part:
    """A structure in words, with every relation it takes part in."""

    id: str
    name: str
    kind: str
    description: str
    notes: tuple[tuple[str, str], ...]  # (text, source)
    references: tuple[str, ...]
    relations: tuple[RelationText, ...]


def _relation(model: AnatomyModel, relation: Relation, language: str) -> RelationText:
    return RelationText(
        sentence=model.sentence(relation, language),
        evidence=relation.evidence.value,
        evidence_label=model.evidence_words[relation.evidence].get(language),
        source=relation.source.get(language),
    )


def _parts(model: AnatomyModel, language: str) -> list[Part]:
    return [
        Part(
            id=s.id,
            name=s.name.get(language),
            kind=model.kinds[s.kind].get(language),
            description=s.description.get(language),
            notes=tuple((n.text.get(language), n.source.get(language)) for n in s.notes),
            references=tuple(r for r in (s.fma, s.uberon) if r),
            relations=tuple(_relation(model, r, language) for r in model.relations_of(s.id)),
        )
        for s in model.structures
    ]


def index(request: HttpRequest) -> HttpResponse:
    language = get_language() or "en"
    model = anatomy.load()
    stretch = protocol.load()
    return render(
        request,
        "learn/index.html",
        {
            "t": model.teaching.localised(language),
            "diagram": diagram.build(model, language),
            "parts": _parts(model, language),
            "hypotheses": [
                _relation(model, r, language)
                for r in model.relations_with(Evidence.CLINIC_HYPOTHESIS)
            ],
            "evidence_words": {e.value: w.get(language) for e, w in model.evidence_words.items()},
            "steps": [s.get(language) for s in stretch.setup_steps],
            "tips": [t.get(language) for t in stretch.tips],
        },
    )
