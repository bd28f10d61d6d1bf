"""The Khmer catalogue: every string translated, placeholders kept, dates in Khmer.

The catalogue tests read locale/km/LC_MESSAGES/django.po and need no database; the
gettext and date tests need the compiled .mo, which `make messages` builds.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import inspect
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import django.utils.dates
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import dateformat, translation
from django.utils.translation import gettext

from tonle.lib import month_names
from tonle.lib.text import has_khmer

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "km" / "LC_MESSAGES" / "django.po"
KHMER_MONTHS = [
    "មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
    "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ",
]  # fmt: skip
KHMER_WEEKDAYS = ["ច័ន្ទ", "អង្គារ", "ពុធ", "ព្រហស្បតិ៍", "សុក្រ", "សៅរ៍", "អាទិត្យ"]

# %(name)s and the positional %s / %d forms; "%%" is a literal percent sign, not a placeholder.
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def parse_po(text: str) -> tuple[Entry, list[Entry]]:
    """The header entry and the message entries of a .po file (obsolete #~ entries skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    key = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            current = None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            key, value = match.group(1), ast.literal_eval(match.group(2))
            if key == "msgid":
                current.line = number
            if key.startswith("msgstr"):
                current.msgstr.append(value)
            else:
                setattr(current, key, value)
        elif line.startswith('"'):  # a continuation of the last keyword's string
            value = ast.literal_eval(line.strip())
            if key.startswith("msgstr"):
                current.msgstr[-1] += value
            else:
                setattr(current, key, getattr(current, key) + value)
        else:
            raise ValueError(f"{PO_PATH}:{number}: cannot read {line!r}")
    header, *messages = entries
    assert header.msgid == "", "the first entry of a .po file is its header"
    return header, messages


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(catalogue: tuple[Entry, list[Entry]]) -> list[Entry]:
    return catalogue[1]


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_catalogue_header_declares_khmer_utf8_and_one_plural_form(catalogue):
    header, _messages = catalogue
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Project-Id-Version"].startswith("Tonle")
    assert fields["Language"] == "km"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "fuzzy" not in header.flags


def test_every_string_has_a_khmer_translation(messages):
    untranslated = [e.label for e in messages if not e.msgstr or not all(e.msgstr)]
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


def test_every_string_marked_in_the_code_and_templates_is_in_the_catalogue(messages, tmp_path):
    """makemessages over a copy of the code: a string whose msgid changed (a new attribute in a
    translated block) would otherwise show in English on a Khmer page."""
    shutil.copytree(
        Path(settings.BASE_DIR) / "tonle", tmp_path / "tonle",
        ignore=shutil.ignore_patterns("__pycache__", "static", "migrations", "tests"),
    )  # fmt: skip
    (tmp_path / "locale").mkdir()
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]), _working_directory(tmp_path):
        call_command("makemessages", locale=["km"], no_location=True, verbosity=0)
    _header, marked = parse_po((tmp_path / "locale/km/LC_MESSAGES/django.po").read_text())
    translated = {(m.msgctxt, m.msgid) for m in messages if any(m.msgstr)}
    assert [m.msgid for m in marked if (m.msgctxt, m.msgid) not in translated] == []


@contextlib.contextmanager
def _working_directory(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def test_no_translation_is_fuzzy(messages):
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy (not used by gettext until reviewed):\n" + "\n".join(fuzzy)


def test_no_translation_is_left_in_english(messages):
    not_khmer = [e.label for e in messages if not all(has_khmer(s) for s in e.msgstr)]
    assert not not_khmer, "translations without Khmer script:\n" + "\n".join(not_khmer)


def test_a_plural_message_has_exactly_the_one_khmer_form(messages):
    wrong = [e.label for e in messages if e.msgid_plural is not None and len(e.msgstr) != 1]
    assert not wrong, "Khmer has one plural form (msgstr[0] only):\n" + "\n".join(wrong)


def test_every_placeholder_of_a_msgid_appears_in_its_translation(messages):
    wrong = []
    for entry in messages:
        wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for translated in entry.msgstr:
            if placeholders(translated) != wanted:
                wrong.append(f"{entry.label}: has {sorted(placeholders(translated))}")
    assert not wrong, "placeholders lost or invented:\n" + "\n".join(wrong)


def test_html_tags_of_a_msgid_survive_its_translation(messages):
    wrong = [
        entry.label
        for entry in messages
        for translated in entry.msgstr
        if sorted(_HTML_TAG.findall(entry.msgid)) != sorted(_HTML_TAG.findall(translated))
    ]
    assert not wrong, "HTML tags changed:\n" + "\n".join(wrong)


def test_the_month_names_module_lists_exactly_the_msgids_django_formats_dates_with():
    def msgids(module: object, plain: set[str]) -> set[tuple[str | None, str]]:
        found = set()
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if node.func.id in plain:
                    found.add((None, args[0]))
                elif node.func.id == "pgettext_lazy":
                    found.add((args[0], args[1]))
        return found

    django_msgids = msgids(django.utils.dates, {"_"})
    assert len(django_msgids) == 7 * 2 + 12 * 4  # weekdays twice, months four ways
    assert msgids(month_names, {"gettext_noop"}) == django_msgids


def test_log_in_is_khmer_on_khmer_pages():
    with translation.override("km"):
        text = gettext("Log in")
    assert has_khmer(text), "is the catalogue compiled? run `make messages`"


@pytest.mark.parametrize(("month", "khmer"), list(enumerate(KHMER_MONTHS, start=1)))
def test_every_way_django_writes_a_month_is_khmer(month, khmer):
    day = dt.date(2023, month, 1)
    with translation.override("km"):
        # F: full name, E: alternative, N: AP abbreviation, b and M: three-letter abbreviation.
        written = {letter: dateformat.format(day, letter) for letter in "FENbM"}
    assert written == dict.fromkeys("FENbM", khmer)


@pytest.mark.parametrize(("weekday", "khmer"), list(enumerate(KHMER_WEEKDAYS)))
def test_every_way_django_writes_a_weekday_is_khmer(weekday, khmer):
    monday = dt.date(2024, 1, 1)
    day = monday + dt.timedelta(days=weekday)
    with translation.override("km"):
        assert dateformat.format(day, "l") == dateformat.format(day, "D") == khmer


def test_march_is_spelled_minea_not_as_in_djangos_own_catalogue():
    # Django's km catalogue writes March "មិនា"; ours, first in LOCALE_PATHS, says "មីនា".
    with translation.override("km"):
        assert "មីនា" in dateformat.format(dt.date(2023, 3, 1), "F")
        assert "មីនា" in dateformat.format(dt.date(2023, 3, 1), "j F Y")
