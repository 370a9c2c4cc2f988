"""Every string a user reads, in the reader's language: English from the source (`ui/english.py`
for the pages' texts, `classifier/core/messages.py` for the package's message codes), Simplified Chinese
from the gettext catalog (`ui/catalog.py`, locale/; docs/translations.md).

The language is chosen in the sidebar and kept in the URL (`?lang=zh`), so a teacher can
hand out a link in either language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import streamlit as st

from classifier.core import translations as catalog
from classifier.core.messages import CODES, ClassifierError, Message, as_message, render
from ui.english import UI
from ui.text import Markdown, markdown_value, shown

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"
# What <html lang> says for each language (BCP 47), for screen readers and the browser's translator.
HTML_LANG = {"en": "en", "zh": "zh-CN"}

log = logging.getLogger(__name__)


def language() -> str:
    chosen = st.session_state.get("language", DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def text_in(lang: str, key: str, **values: Any) -> str:
    """The text for `key` in `lang`, values filled in as they are (no escaping): for tests, and for
    the few places that show two languages at once."""
    text = _template(key, values, lang)
    return text.format(**values) if values else text


def _template(key: str, values: Mapping[str, Any], lang: str | None = None) -> str:
    """A page text's template, or a package code's as `msg.<code>`."""
    texts, name = (CODES, key[4:]) if key.startswith("msg.") and key not in UI.templates else (UI, key)
    found = catalog.template(lang or language(), texts, name, values)
    if found is None:
        raise KeyError(f"{key} has no English in ui/english.py")
    return found


def t(key: str, **values) -> Markdown:
    """The text for `key` in the current language, with `values` filled in, for anything Streamlit
    renders as Markdown (nearly every element and label): text values are escaped, so a run name,
    file name, class name or URL parameter always reads as typed and never becomes a link or image."""
    text = _template(key, values)
    return Markdown(text.format(**{k: markdown_value(v) for k, v in values.items()}) if values else text)


def t_text(key: str, **values) -> str:
    """The same text for widgets that show text as text (select-box and multiselect options, table
    cells, Vega-Lite charts): values are only trimmed (`ui.text.shown`), never escaped."""
    text = _template(key, values)
    return text.format(**{k: shown(v) if isinstance(v, str) else v for k, v in values.items()}) if values else text


def say(message: Message | BaseException) -> Markdown:
    """A package message (or any exception) in the reader's language, as Markdown: the message's
    parameters (file names, values echoed back, reasons) are escaped and cut to a readable length.
    An exception's own words never reach the page (they are English and technical): an exception
    the package did not raise on purpose is logged with its traceback and said in general terms,
    and a message's `detail` (or `reason` given as text) is logged and replaced by where it is."""
    if isinstance(message, BaseException):
        if not isinstance(message, ClassifierError):
            log.error("an unexpected error reached a page: %r", message, exc_info=message)
            return t("page.unexpected_error")
        message = as_message(message)
    lang = language()
    return Markdown(render(_shown_params(message), lambda code, values: catalog.template(lang, CODES, code, values)))


def _shown_params(message: Message) -> Message:
    """Parameters made safe to show: a hyperparameter's name becomes its control's label, nested
    messages are treated alike, an exception's or the system's own words go to the server log,
    any other text is escaped (`ui.text.plain`)."""
    if message.code == "error.unexpected":
        _log_detail(message.code, f"{message.params.get('kind', '')}: {message.params.get('detail', '')}")
        return Message("text.plain", {"text": t("page.unexpected_error")})
    params = {}
    for name, value in message.params.items():
        if isinstance(value, Message):
            value = _shown_params(value)
        elif name == "detail" or (name == "reason" and isinstance(value, str)):
            _log_detail(message.code, str(value))
            value = t("page.details_logged")
        elif name == "field" and isinstance(value, str) and f"train.{value}" in UI.templates:
            value = t(f"train.{value}")
        else:
            value = markdown_value(value)
        params[name] = value
    return Message(message.code, params)


@functools.lru_cache(maxsize=1024)
def _log_detail(code: str, detail: str) -> None:
    """Log an exception's or the system's words that a page said only in general terms, once for
    each (a failed run's reason is said again on every rerun of its page)."""
    log.warning("%s: %s", code, detail)


def class_names(classes) -> tuple[str, ...]:
    """Class names to show: the built-in sets' (CIFAR-10, shapes) in the reader's language, any
    other set's as they are. Display only; the model's labels stay as they are."""
    classes = tuple(classes)
    for prefix, names in _CLASS_SETS.items():
        if classes == names:
            return tuple(t(f"{prefix}.{name}") for name in names)
    return classes


_CLASS_SETS = {
    prefix: tuple(key[len(prefix) + 1 :] for key in UI.templates if key.startswith(prefix + "."))
    for prefix in ("class.cifar10", "class.shapes")
}


def labels(prefix: str, options) -> dict:
    """Option -> translated label, for a widget's format_func (a plain lookup, fixed at render
    time, so the label does not depend on who calls it later)."""
    return {option: t(f"{prefix}.{option}") for option in options}


def format_duration(seconds: float) -> str:
    if seconds < 1:
        return t("duration.under_second")
    seconds = int(round(seconds))
    if seconds < 60:
        return t("duration.seconds", s=seconds)
    if seconds < 3600:
        return t("duration.minutes", m=seconds // 60, s=seconds % 60)
    return t("duration.hours", h=seconds // 3600, m=seconds % 3600 // 60)


def language_switch() -> None:
    """The sidebar switch. The session remembers the choice and the URL shows it (?lang=zh),
    so a teacher can hand out a link in either language; a link's language wins when opened."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES and asked != st.session_state.get("language_from_url"):
        st.session_state.language = st.session_state.language_from_url = asked
    st.session_state.setdefault("language", DEFAULT_LANGUAGE)
    st.session_state.language_widget = st.session_state.language
    st.sidebar.segmented_control(
        " · ".join(text_in(lang, "language") for lang in LANGUAGES),
        list(LANGUAGES),
        key="language_widget",
        format_func=LANGUAGES.get,
        required=True,
        on_change=_language_chosen,
    )
    if st.session_state.language == DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    elif st.query_params.get("lang") != st.session_state.language:
        st.query_params["lang"] = st.session_state.language
    declare_page_language()


def html_lang(lang: str | None) -> str:
    """The <html lang> value for one of LANGUAGES' codes (anything else: the default language's)."""
    return HTML_LANG.get(lang or "", HTML_LANG[DEFAULT_LANGUAGE])


def declare_page_language() -> None:
    """Set <html lang> in the browser to the session's language: the server sends the page with the
    address's language (ui/__init__.py), this keeps it right after a switch in the sidebar, which
    changes the address without loading the page again. Streamlit runs the script only when the
    text changes, i.e. when the language does; the value is one of HTML_LANG's, never user text."""
    code = html_lang(language())
    st.sidebar.html(
        f'<script>document.documentElement.lang = "{code}";</script>',
        unsafe_allow_javascript=True,
    )


def _language_chosen() -> None:
    st.session_state.language = st.session_state.language_widget
    # The address still says the old language during this rerun: remember it as already applied,
    # or it would switch the page straight back (from a ?lang=zh link, English was unreachable).
    st.session_state.language_from_url = st.query_params.get("lang")


class _Table(Mapping):
    """Every key -> {language: template}: the pages' keys and `msg.<code>` for the package's codes,
    read from the English source and the catalog. For tests and lookups by prefix; a plural's entry
    holds the form for many (render one with `text_in` to get the form its count needs)."""

    def _texts(self, key: str) -> tuple[Any, str]:
        if key.startswith("msg.") and key[4:] in CODES.templates:
            return CODES, key[4:]
        if key in UI.templates:
            return UI, key
        raise KeyError(key)

    def __getitem__(self, key: str) -> dict[str, str]:
        texts, name = self._texts(key)
        many = {texts.plurals[name].count: 2} if name in texts.plurals else {}
        return {lang: catalog.template(lang, texts, name, many) for lang in LANGUAGES}

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in UI.templates or (key.startswith("msg.") and key[4:] in CODES.templates))

    def __iter__(self) -> Iterator[str]:
        yield from UI.templates
        yield from (f"msg.{code}" for code in CODES.templates)

    def __len__(self) -> int:
        return len(UI.templates) + len(CODES.templates)


TEXT: Mapping[str, dict[str, str]] = _Table()
