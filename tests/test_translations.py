"""The translation catalog: one English source in the code, its Chinese in locale/ (docs/translations.md).

Fails when a text lacks its Chinese, when the committed catalog is stale against the code (a text
added, changed or removed without `make translations`), when a translation's placeholders differ
from the English, or when a counted text takes the wrong form."""

from __future__ import annotations

import os
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from classifier.messages import CODES
from ui import catalog
from ui.english import UI

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "locale" / "messages.pot"
CHINESE = catalog.catalog_path("zh", ".po")


def _read(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def _entries(path: Path) -> dict[tuple[str, str], object]:
    """(context, msgid) -> the catalog's message, header left out."""
    return {(message.context, _one(message.id)): message for message in _read(path) if message.id}


def _one(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def _source() -> dict[tuple[str, str], tuple[str, ...]]:
    """What the code registers: (key, English) -> the English forms (one, or one and other)."""
    found = {}
    for texts in (UI, CODES):
        for key, one in texts.templates.items():
            plural = texts.plurals.get(key)
            found[(key, one)] = (one, plural.other) if plural else (one,)
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The code's English extracted afresh, as `make translations` does."""
    output = tmp_path_factory.mktemp("catalog") / "messages.pot"
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        status = CommandLineInterface().run(
            [
                "pybabel",
                "-q",
                "extract",
                "--mapping-file",
                "babel.cfg",
                "--no-location",
                "--output-file",
                str(output),
                ".",
            ]
        )
    finally:
        os.chdir(here)
    assert status in (0, None)
    return output


def test_the_committed_template_is_what_the_code_says_now(extracted):
    fresh, committed = _entries(extracted), _entries(TEMPLATE)
    added = sorted(set(fresh) - set(committed))
    gone = sorted(set(committed) - set(fresh))
    assert added == [] and gone == [], f"run `make translations`: new or changed {added}, removed {gone}"
    assert {key: fresh[key].id for key in fresh} == {key: committed[key].id for key in committed}  # plurals too


def test_every_registered_text_is_found_by_the_extractor(extracted):
    """A call pybabel cannot read (a variable instead of a literal) would leave a text untranslatable."""
    fresh = _entries(extracted)
    assert sorted(set(_source()) - set(fresh)) == []
    assert sorted(set(fresh) - set(_source())) == []
    for key, forms in _source().items():
        assert fresh[key].id == (forms if len(forms) == 2 else forms[0]), key


def test_the_chinese_catalog_follows_the_template():
    assert set(_entries(CHINESE)) == set(_entries(TEMPLATE)), "run `make translations`, then translate"


def test_every_text_has_a_chinese_translation():
    untranslated = []
    for key, message in _entries(CHINESE).items():
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(form.strip() for form in forms):
            untranslated.append(key[0])
    assert untranslated == [], f"no or fuzzy Chinese for {untranslated}"


def test_chinese_has_one_plural_form_and_babel_finds_no_error():
    chinese = _read(CHINESE)
    assert chinese.num_plurals == 1 and chinese.plural_expr == "0"
    errors = [(message.context, str(error)) for message, problems in chinese.check() for error in problems]
    assert errors == []  # what `pybabel compile` (make) would refuse


def test_every_translation_keeps_the_english_placeholders():
    wrong = []
    for (key, _), message in _entries(CHINESE).items():
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = _placeholders(english[0])
        if any(_placeholders(form) != expected for form in (*english, *forms)):
            wrong.append(key)
    assert wrong == []


def test_page_texts_and_message_codes_do_not_share_a_key():
    assert set(UI.templates) & set(CODES.templates) == set()


def test_a_missing_compiled_catalog_is_compiled_from_the_po(tmp_path, monkeypatch, caplog):
    """`streamlit run app.py` without `make`: the Chinese still comes from the committed .po."""
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CHINESE, folder / "messages.po")
    monkeypatch.setattr(catalog, "LOCALE_DIR", tmp_path)
    catalog.translations.cache_clear()
    try:
        assert catalog.template("zh", UI, "nav.home", {}) == "首页"
        assert not (folder / "messages.mo").exists()  # compiled in memory, the checkout left as it was
        assert "compiled in memory" in caplog.text
    finally:
        catalog.translations.cache_clear()
