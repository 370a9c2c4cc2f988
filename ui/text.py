"""Text that a user, a file or a URL controls, made safe to show.

Streamlit renders Markdown in `st.markdown`, `st.caption`, `st.info`/`st.error`, widget labels and
help: a run name `[click](http://host)` would become a live link, `![x](http://host/p.png)` would make
every visitor's browser fetch that host. Plotly renders a subset of HTML (`<a href>`, `<b>`, `<br>`) in
titles, ticks and hover labels. So every value that did not come from this project's own code passes
through one of these two functions on its way to the page: `plain` for Markdown, `for_chart` for Plotly.
Widgets that show text as text (`st.text`, `st.code`, `st.dataframe`, Vega-Lite charts, select-box
options) need neither, but still get `shown` (length cap, invisible controls removed).
"""

from __future__ import annotations

import html
import re

LIMIT = 200  # longer values are cut, with an ellipsis: an echo never floods the page

# Bidirectional overrides/isolates and zero-width characters: shown as-is they can make a name read
# as something else (right-to-left spoofing) or hide characters; they never matter in a name.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00-\x08\x0b-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
# CommonMark lets a backslash escape any ASCII punctuation: escaped, none of it starts a link, an
# image, emphasis, code, a heading or list, HTML, math ($), or Streamlit's :color[] and :emoji: codes.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit's renderer links bare "http://", "www." and e-mail addresses in the decoded text, whatever
# the escapes (checked in Chromium): an invisible word joiner before ":" and "@" and inside "www."
# leaves the text as it reads but matches no link pattern.
_AUTOLINK = re.compile(r"(?=[:@])|(?<=www)(?=\.)", re.IGNORECASE)
_WORD_JOINER = "\u2060"


class Markdown(str):
    """Text already safe as Markdown: a template from the translation table with its values escaped
    (what `ui.i18n.t` and `say` return), or the output of `plain`. Not escaped a second time."""


def shown(value: object, limit: int = LIMIT) -> str:
    """The value as one line of visible text: invisible controls removed, whitespace collapsed,
    at most `limit` characters (cut with an ellipsis)."""
    text = _WHITESPACE.sub(" ", _INVISIBLE.sub("", str(value))).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: object, limit: int = LIMIT, paragraphs: bool = False) -> Markdown:
    """The value for a Markdown context, shown exactly as text (every Markdown character escaped).
    `paragraphs`: keep the value's line breaks (a lesson's task), each line its own paragraph."""
    if isinstance(value, Markdown):
        return value
    if paragraphs:
        text = str(value)[:limit]
        return Markdown("\n\n".join(plain(line, limit) for line in text.splitlines() if line.strip()))
    unlinked = _AUTOLINK.sub(_WORD_JOINER, shown(value, limit))
    return Markdown(_MARKDOWN_PUNCTUATION.sub(r"\\\1", unlinked))


def markdown_value(value: object) -> object:
    """A value to fill into a Markdown template: text is escaped (unless already Markdown), numbers
    and other values keep their type so that the template's format specs still apply."""
    return plain(value) if isinstance(value, str) else value


def for_chart(value: object, limit: int = LIMIT) -> str:
    """The value for Plotly text (titles, ticks, hover labels, annotations): HTML tags shown as text."""
    return html.escape(shown(value, limit), quote=False)


# Inside KaTeX's \text{...} these characters are commands or fail ("_" outside math mode is a KaTeX
# error that shows the whole formula as red source): each gets its text-mode command.
_LATEX_TEXT = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def for_latex(value: object, limit: int = LIMIT) -> str:
    """The value for the inside of `\\text{...}` in a formula (a layer's or a class's name):
    every character KaTeX would read as a command escaped, so any name renders as written."""
    return "".join(_LATEX_TEXT.get(char, char) for char in shown(value, limit))
