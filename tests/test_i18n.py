"""The message catalogs: every sentence the code marks has its translation, plurals and
numbers follow each language's rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import rehearse
from rehearse import i18n
from rehearse.i18n import ntr, percent, tr

PACKAGE = Path(rehearse.__file__).parent
TRANSLATED = [lang for lang in i18n.SUPPORTED if lang != "en"]


def marked_messages() -> set[str]:
    """Every message the code marks with tr, ntr or N_ (the singular of a plural)."""
    found = set()
    for _, _, message, _, _ in extract_from_dir(PACKAGE, method_map=[("**.py", "python")], keywords=i18n.KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_message_is_translated(lang):
    with i18n.catalog_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang)
    translated = {}
    for message in catalog:
        if not message.id or "fuzzy" in message.flags:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated[key] = strings
    missing = sorted(marked_messages() - set(translated))
    assert not missing, f"{len(missing)} message(s) without a {lang} translation (python -m rehearse.locale): {missing[:10]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_field(lang):
    """A translation that drops or renames a {field} would fail, or say the wrong figure."""
    import re

    with i18n.catalog_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        fields = set(re.findall(r"\{(\w+)", ids[-1]))
        for string in strings:
            assert set(re.findall(r"\{(\w+)", string)) <= fields | {"count"}, (message.id, string)


def test_plurals_follow_each_language():
    one, many = "{count} question", "{count} questions"
    assert [ntr("en", one, many, n) for n in (0, 1, 2)] == ["0 questions", "1 question", "2 questions"]
    # French puts 0 and 1 in the singular; the catalog's Plural-Forms says so.
    assert [ntr("fr", one, many, n) for n in (0, 1, 2)] == ["0 question", "1 question", "2 questions"]


def test_numbers_are_written_as_each_language_writes_them():
    assert percent(0.43, "en") == "43%"
    assert percent(0.43, "fr") == "43\u00a0%"  # French puts a no-break space before %


def test_a_message_missing_from_a_catalog_shows_in_english():
    assert tr("fr", "A sentence no catalog has: {x}", x=1) == "A sentence no catalog has: 1"
