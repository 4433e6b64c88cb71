"""Text preparation: normalisation with offsets, sentences, paragraphs and roles.

``prepare(article)`` is the stage's entry point: it returns a ``Document`` whose
sentences keep character offsets into the original text and carry a role, so
site chrome, captions, credits, bylines and datelines are set aside but kept.
Hard-wrapped text (wire archives, .txt exports) is rejoined into paragraphs
first, so sentences may run across its line breaks.
``normalize``, ``split_sentences`` and ``words`` are the building blocks other
stages reuse (``words`` is the tokeniser of fingerprinting).
"""

from __future__ import annotations

from wiretrace.text.normalize import Normalized, normalize
from wiretrace.text.prepare import TEXT_RULES, prepare
from wiretrace.text.sentences import split_sentences
from wiretrace.text.tokens import words

__all__ = ["TEXT_RULES", "Normalized", "normalize", "prepare", "split_sentences", "words"]
