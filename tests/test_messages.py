"""Messages as codes: every code the package can send has both languages in the app's table."""

import string

import pytest

from classifier.core.messages import ENGLISH, ClassifierError, Message, as_message
from ui.i18n import LANGUAGES, TEXT


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_code_is_translated_with_the_same_placeholders(code):
    entry = TEXT.get(f"msg.{code}")
    assert entry is not None, f"ui/i18n.py lacks msg.{code}"
    for lang in LANGUAGES:
        assert lang in entry, f"msg.{code} has no {lang} text"
        assert _placeholders(entry[lang]) == _placeholders(ENGLISH[code]), (code, lang)


def test_no_app_message_without_a_package_code():
    orphans = [key for key in TEXT if key.startswith("msg.") and key[4:] not in ENGLISH]
    assert orphans == []


def test_messages_round_trip_through_json_with_nested_reasons():
    inner = Message("text.plain", {"text": "disk full"})
    outer = Message("error.unexpected", {"kind": "OSError", "detail": inner})
    assert Message.from_dict(outer.to_dict()) == outer
    assert outer.english() == "unexpected error: OSError: disk full"


def test_errors_carry_their_code_and_render_english():
    error = ClassifierError("text.plain", text="hello")
    assert str(error) == "hello"
    assert as_message(error).code == "text.plain"
    assert as_message(KeyError("x")).code == "error.unexpected"
