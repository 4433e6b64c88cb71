"""Text preparation: normalisation with offsets, sentences, paragraphs and roles.

``prepare(article)`` is the stage's entry point: it returns a ``Document`` whose
sentences keep character offsets into the original text and carry a role, so
site chrome, captions, credits, bylines and datelines are set aside but kept.
"""

from __future__ import annotations

from wiretrace.text.prepare import prepare

__all__ = ["prepare"]
