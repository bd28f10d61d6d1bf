"""Search keys for names: Khmer in canonical order, Latin folded to plain lower-case letters."""

from __future__ import annotations

import re
import unicodedata

from khmerspell import khnormal

# Zero-width characters that Khmer keyboards insert between words or to stop ligatures;
# they are invisible, so two names that look the same must not differ by them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_KHMER = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_DIGIT = re.compile(r"\D+")


def has_khmer(text: str) -> bool:
    return bool(_KHMER.search(text or ""))


def khmer_key(text: str) -> str:
    """The key a Khmer name is stored and searched by.

    The same visible word can be typed in several code-point orders (a coeng before or
    after a vowel sign, say); khnormal puts them in the one order of the Unicode
    specification, so "ស្រី" typed either way finds the same woman.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = khnormal(text)
    return "".join(text.split())


def latin_key(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Sok  Chéa" and "sokchea" are one key."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub("", ascii_only.lower())


def phone_key(text: str) -> str:
    """Digits only, with Cambodia's +855 folded to the national leading 0."""
    digits = _NOT_DIGIT.sub("", text or "")
    if digits.startswith("855"):
        digits = "0" + digits[3:]
    return digits


_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_ARABIC_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def to_khmer_digits(text: str) -> str:
    return text.translate(_KHMER_DIGITS)


def from_khmer_digits(text: str) -> str:
    return text.translate(_ARABIC_DIGITS)
