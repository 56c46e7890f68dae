"""Join codes: six characters people can read off a beamer and type on a phone."""

from __future__ import annotations

import random

# No look-alikes: no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V.
ALPHABET = "ACEFHJKMNPRTVWXY3479"
LENGTH = 6


def new_code(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str | None:
    """The code as stored, or None when the text cannot be a code."""
    code = "".join(text.split()).upper().replace("-", "")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code
