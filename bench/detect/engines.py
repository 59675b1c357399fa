"""The two engines under test, each as `records -> list of (label, start, end)`.

Both map their own entity names onto the corpus labels. Presidio runs its
predefined (pattern) recognizers with a blank English spaCy pipeline, which
is saved to a temp dir and loaded through Presidio's NlpEngineProvider, so
nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pivault.detect import Entity, analyze

Predict = Callable[[str], list[tuple[str, int, int]]]

PIVAULT_LABELS: dict[Entity, str] = {
    Entity.CN_MOBILE: "PHONE_CN",
    Entity.CN_LANDLINE: "PHONE_CN",
    Entity.CN_RESIDENT_ID: "ID_CN",
    Entity.EMAIL: "EMAIL",
    Entity.IPV4: "IPV4",
    Entity.IPV6: "IPV6",
    Entity.BANK_CARD: "BANK_CARD",
    Entity.CN_PERSON_NAME: "PERSON_CN",
    Entity.PERSON_NAME: "PERSON_CN",
    Entity.CN_ADDRESS: "ADDRESS_CN",
    Entity.GPS: "GPS",
    Entity.URL: "URL",
    Entity.IMEI: "IMEI",
    Entity.ANDROID_ID: "ANDROID_ID",
    Entity.ADVERTISING_ID: "IDFA",
}

PRESIDIO_LABELS: dict[str, str] = {
    "PHONE_NUMBER": "PHONE_CN",
    "EMAIL_ADDRESS": "EMAIL",
    "CREDIT_CARD": "BANK_CARD",
    "URL": "URL",
    "PERSON": "PERSON_CN",
    "LOCATION": "ADDRESS_CN",
}


def pivault_predict(text: str) -> list[tuple[str, int, int]]:
    """pivault.detect.analyze with default settings, labels mapped to the corpus."""
    return [(PIVAULT_LABELS.get(f.entity, "OTHER"), f.start, f.end) for f in analyze(text)]


def pivault_deep_predict(text: str) -> list[tuple[str, int, int]]:
    """pivault.detect.analyze(deep=True) (jieba.posseg tagging of free text), labels mapped."""
    return [
        (PIVAULT_LABELS.get(f.entity, "OTHER"), f.start, f.end) for f in analyze(text, deep=True)
    ]


def make_presidio(workdir: Path) -> Predict:
    """Build a Presidio analyzer (pattern recognizers, blank spaCy) and return its predictor."""
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # Presidio's e-mail and URL recognizers call tldextract, which would try to
    # download the public-suffix list; use the snapshot bundled with it instead.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

    model_dir = workdir / "spacy_blank_en"
    spacy.blank("en").to_disk(model_dir)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": str(model_dir)}],
        }
    )
    nlp_engine = provider.create_engine()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp_engine)
    engine: Any = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine)

    def predict(text: str) -> list[tuple[str, int, int]]:
        out = []
        for result in engine.analyze(text=text, language="en"):
            label = PRESIDIO_LABELS.get(result.entity_type, "OTHER")
            if result.entity_type == "IP_ADDRESS":
                label = "IPV6" if ":" in text[result.start : result.end] else "IPV4"
            out.append((label, result.start, result.end))
        return out

    return predict
