"""Back-translation: the translations translated back into the source language.

A back-translation lets two texts in the same language be compared word for
word, which is how an omission, an addition or a reversed negation shows
(``transflow.confidence.signals``). It costs one more engine pass, so it is
one batched call for all the translations of a job, made with the engine
that translated them when it covers the reverse pair (the bundled Bergamot
engine has pt→en for en→pt) or with whichever installed engine does.
"""

from __future__ import annotations

from collections.abc import Sequence

from transflow.engines import Engine, select_engine
from transflow.errors import UnsupportedLanguagePairError


def round_trip_engine(source: str, target: str, preferred: Engine | None = None) -> Engine | None:
    """An engine that translates ``target`` → ``source``, or ``None`` if none is installed.

    ``preferred`` (the engine of the forward translation, whose models are
    already loaded) is used when it covers the reverse pair; otherwise the
    engine ``auto`` would pick. Human translations in ``transflow check``
    have no forward engine and take the latter.
    """
    if preferred is not None and preferred.supports(target, source):
        return preferred
    try:
        return select_engine("auto", target, source)
    except UnsupportedLanguagePairError:
        return None


def back_translate(
    engine: Engine, translations: Sequence[str], *, source: str, target: str
) -> list[str] | None:
    """``translations`` (in ``target``) translated back into ``source``, in one engine call.

    Returns ``None`` when ``engine`` does not translate ``target`` →
    ``source``. Empty translations stay empty and are not sent to the engine.
    """
    if not engine.supports(target, source):
        return None
    texts = [text for text in translations if text.strip()]
    back = iter(
        translation.best.text for translation in engine.translate_batch(texts, target, source)
    )
    return [next(back) if text.strip() else text for text in translations]
