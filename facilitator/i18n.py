"""gettext catalogs (Babel) for German and English; German is the default."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("de", "en")
DEFAULT = "de"


@cache
def translations(language: str) -> NullTranslations:
    if language not in LANGUAGES:
        language = DEFAULT
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def translate(language: str, message: str, params: dict[str, Any] | None = None) -> str:
    """The message in the language; a `field` parameter is a field label and translated too
    (domain.model.FIELD_LABELS), other parameters are values and stay as they are."""
    catalog = translations(language)
    text = catalog.gettext(message)
    if not params:
        return text
    if isinstance(params.get("field"), str):
        params = {**params, "field": catalog.gettext(params["field"])}
    return text.format(**params)


def negotiate(accept_language: str | None, default: str = DEFAULT) -> str:
    """The first of our languages in an Accept-Language header, else the default."""
    if not accept_language:
        return default
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, position, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in LANGUAGES:
            return tag
    return default
