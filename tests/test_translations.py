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

from classifier.core import translations as catalog
from classifier.core.messages import CODES, Message, render
from classifier.teach.lessons import LESSON_TEXTS
from ui.english import UI
from ui.i18n import text_in

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "locale" / "messages.pot"
CHINESE = catalog.catalog_path("zh", ".po")
REGISTRIES = (UI, CODES, LESSON_TEXTS)  # the pages' texts, the package's message codes, the built-in lessons


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
    for texts in REGISTRIES:
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


def test_no_two_registries_share_a_key():
    keys = [key for texts in REGISTRIES for key in texts.templates]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("key", "values", "one", "many"),
    [
        ("ch.privacy.stopped", {}, "Stopped after 1 round.", "Stopped after {n} rounds."),
        ("preset.epochs_variant", {"preset": "Seed"}, "Seed network, 1 epoch", "Seed network, {n} epochs"),
        (
            "alt.confusion.pair",
            {"true": "cat", "predicted": "dog"},
            "cat taken for dog (1 time)",
            "cat taken for dog ({n} times)",
        ),
    ],
)
def test_a_counted_page_text_takes_the_english_form_of_its_count(key, values, one, many):
    count = UI.plurals[key].count
    assert text_in("en", key, **values, **{count: 1}).endswith(one)
    for n in (0, 2, 1.5):
        assert text_in("en", key, **values, **{count: n}).endswith(many.format(n=n))
    in_chinese = {n: text_in("zh", key, **values, **{count: n}) for n in (1, 2)}
    assert in_chinese[1].replace("1", "2") == in_chinese[2]  # Chinese has one form for every count


def test_a_counted_message_code_takes_the_english_form_of_its_count():
    one = Message("engine.stopped_by_request", {"epochs": 1})
    assert one.english() == "stopped by request after 1 epoch"
    assert Message("engine.stopped_by_request", {"epochs": 3}).english() == "stopped by request after 3 epochs"
    chinese = render(one, lambda code, values: catalog.template("zh", CODES, code, values))
    assert chinese == "应要求在第 1 轮后停止"
    older = Message("data.note_empty_classes", {"classes": "cat, dog"})  # stored before it carried a count
    assert older.english() == "left out the class folders with no readable images: cat, dog"


def test_no_english_text_writes_a_plural_as_s_in_brackets():
    assert [key for texts in REGISTRIES for key, text in texts.templates.items() if "(s)" in text] == []


def test_the_counted_texts_are_plural_entries_of_the_catalog():
    assert len(UI.plurals) >= 15 and len(CODES.plurals) >= 10
    for (key, _), message in _entries(CHINESE).items():
        texts = next(texts for texts in REGISTRIES if key in texts.templates)
        assert isinstance(message.id, tuple) == (key in texts.plurals), key
        assert len(message.string) == 1 if key in texts.plurals else isinstance(message.string, str)


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


SECRET = "tensor shape mismatch in conv9 at 0x7f3a"  # an exception's own words: English, technical


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unexpected_exception_is_said_in_the_readers_language_and_its_words_go_to_the_log(lang, monkeypatch, caplog):
    """Inside the network, an uploaded photo, and the package fails in a way it did not foresee."""
    from app_support import app_at, shown_text
    from conftest import PHOTOS

    import classifier.core.inspect

    def broken(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(classifier.core.inspect, "inspect_image", broken)
    at = app_at("pages/inside.py", lang=lang)
    at.segmented_control(key="inside_source").set_value("upload").run()
    photo = (PHOTOS / "dog.jpg").read_bytes()
    at.file_uploader(key="inside_upload").set_value(("dog.jpg", photo, "image/jpeg")).run()
    assert not at.exception
    expected = text_in(lang, "inside.cannot_inspect", reason=text_in(lang, "page.unexpected_error"))
    assert expected in [shown_text(error.value) for error in at.error]
    page = " ".join(
        str(element.value)
        for kind in ("error", "warning", "info", "caption", "markdown")
        for element in getattr(at, kind)
    )
    assert SECRET not in page and "RuntimeError" not in page
    logged = [record for record in caplog.records if record.name == "ui.i18n" and record.exc_info]
    assert logged and SECRET in str(logged[0].exc_info[1])  # with its traceback, in the server log


def test_an_exceptions_detail_inside_a_message_goes_to_the_log_not_the_page(caplog):
    from app_support import shown_text
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from classifier.core.messages import Message
        from ui.i18n import say

        st.session_state.language = "zh"
        st.error(say(Message("data.unreadable", {"name": "cats.zip", "detail": "[Errno 13] Permission denied"})))
        st.error(say(Message("image.unreadable", {"reason": "Input/output error"})))

    at = AppTest.from_function(page).run()
    shown = [shown_text(error.value) for error in at.error]
    assert shown == [
        text_in("zh", "msg.data.unreadable", name="cats.zip", detail=text_in("zh", "page.details_logged")),
        text_in("zh", "msg.image.unreadable", reason=text_in("zh", "page.details_logged")),
    ]
    assert "Permission denied" in caplog.text and "Input/output error" in caplog.text
