"""Grading of one answer. Pure functions: the same version and response always give the same points.

Rules (also shown to takers on the quiz page):
- single choice and true/false: 1 point for the correct option, else 0;
- multiple choice: 1 point for exactly the correct set; 0.5 for a non-empty proper subset of the correct options
  (nothing wrong chosen); 0 as soon as any wrong option is chosen, or nothing is;
- fill-in: 1 point if the text matches an accepted answer after normalisation (full-width to half-width, case,
  spaces and trailing punctuation ignored), else 0.
"""

import re
import unicodedata
from decimal import Decimal

from training.enums import QuestionKind

FULL = Decimal("1")
HALF = Decimal("0.5")
ZERO = Decimal("0")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "。．.，,；;：:！!？?、\"'“”‘’《》「」"


def normalise(text):
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _SPACES.sub("", text).casefold()
    return text.strip(_EDGE_PUNCTUATION)


def grade(kind, key, response):
    """Points (0, 0.5 or 1) for `response` (original option indexes, or a text) against the answer `key`."""
    if response is None:
        return ZERO
    if kind == QuestionKind.FILL_IN:
        given = normalise(response if isinstance(response, str) else "")
        return FULL if given and given in {normalise(accepted) for accepted in key} else ZERO
    if not isinstance(response, list):
        return ZERO
    chosen, correct = set(response), set(key)
    if kind == QuestionKind.MULTIPLE:
        if not chosen or chosen - correct:
            return ZERO
        return FULL if chosen == correct else HALF
    return FULL if len(response) == 1 and chosen == correct else ZERO
