"""The translation catalog at run time: gettext's compiled catalog for each language but English.

English is the source itself (`english(...)` calls: `classifier/core/messages.py`, `ui/english.py`); each
other language is a gettext catalog under locale/ (`make` compiles the committed .po into the .mo
read here). A .mo that is missing or older than its .po (the app started without `make`, or a .po
just edited) is compiled in memory from the .po with Babel, so a page never shows a stale or missing
translation. The app renders its pages with it (`ui/i18n.py`), the command line its lessons' titles.
"""

from __future__ import annotations

import functools
import gettext
import io
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from classifier.core.messages import Texts, count_of

# The checkout's locale/ folder, wherever in the package this module lives.
LOCALE_DIR = next(
    (up / "locale" for up in Path(__file__).resolve().parents if (up / "locale").is_dir()), Path("locale")
)
DOMAIN = "messages"
# The app's language codes -> gettext's locale names (English has no catalog: it is the source).
LOCALES = {"zh": "zh_CN"}
LANGUAGES = ("en", *LOCALES)

log = logging.getLogger(__name__)


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The language's catalog (English: none, gettext then answers with the source's English)."""
    if lang not in LOCALES:
        return gettext.NullTranslations()
    po, mo = catalog_path(lang, ".po"), catalog_path(lang, ".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    log.warning("%s is missing or older than %s: compiled in memory (`make` compiles it once)", mo.name, po)
    return gettext.GNUTranslations(io.BytesIO(compile_po(po)))


def compile_po(po: Path) -> bytes:
    """The .mo of a .po, as `pybabel compile` writes it (fuzzy entries left out, as untranslated)."""
    # Lazy: only a missing .mo needs Babel, and importing it costs the app's start about 0.25 s.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


def template(lang: str, texts: Texts, key: str, values: Mapping[str, Any]) -> str | None:
    """The template of `key` in `lang` for these values (a plural's form follows its count), or None
    for a key `texts` does not have. An entry the catalog lacks falls back to the English."""
    one = texts.templates.get(key)
    if one is None:
        return None
    plural = texts.plurals.get(key)
    if plural is None:
        return translations(lang).pgettext(key, one)
    return translations(lang).npgettext(key, one, plural.other, count_of(values.get(plural.count)))
