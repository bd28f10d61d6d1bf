"""Keys that let two spellings of one Khmer name meet: consonant skeletons, folded
romanisations, and a Khmer-to-Latin reading so a name in one script finds it in the other.

Duplicate detection (people.duplicates) compares these keys; the registry stores the two
skeletons beside each name so the check on entry can find candidates with an index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tonle.lib.text import khmer_key, latin_key

_COENG = "\u17d2"
_NIKAHIT = "\u17c6"  # "-am": a vowel and an m
_TOANDAKHIAT = "\u17cd"  # silences the consonant it sits on
_CONSONANTS = range(0x1780, 0x17A3)

# How each Khmer consonant is usually written in Latin letters, already folded the way
# `latin_sound` folds a romanisation: aspirates lose their h (ខ kh -> k), the two series
# meet (ក k, គ k), d and t meet, b and p meet (ប is "b" in Bopha but "p" in Prak).
# ហ h and អ (a vowel carrier) are silent in the fold, as h is in Latin spellings.
_KHMER_TO_LATIN = dict(
    zip(
        "កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវឝឞសហឡអ",
        ["k", "k", "k", "k", "ng", "c", "c", "c", "c", "n", "t", "t", "t", "t", "n", "t", "t",
         "t", "t", "n", "p", "p", "p", "p", "m", "y", "r", "l", "v", "s", "s", "s", "", "l", ""],
        strict=True,
    )
)  # fmt: skip

_DOUBLED = re.compile(r"(.)\1+")
_LATIN_FOLDS = [
    (re.compile(r"ng"), "N"),  # one sound, ង; folded before g meets k
    (re.compile(r"[gq]"), "k"),
    (re.compile(r"[jc]"), "c"),
    (re.compile(r"[zx]"), "s"),
    (re.compile(r"f"), "p"),
    (re.compile(r"w"), "v"),
    (re.compile(r"b"), "p"),
    (re.compile(r"d"), "t"),
    (re.compile(r"h"), ""),  # aspirates and silent h: Chhan, Chan; Sophea, Sopea
    (re.compile(r"(?<=.)y"), "i"),  # y is a vowel but at the start: Srey, Ly; Yim
    (re.compile(r"(?<=[aeiou])v$"), ""),  # Pov, Nov, Keo(v): the v closes a vowel
    (re.compile(r"(?<=[aeiou])p$"), ""),  # Sopheap, Sophea: a final p is barely heard
    (_DOUBLED, r"\1"),  # Chann, Chan; Phalla, Phala
]
# Names repeat (a few dozen family names, a few hundred given names): a search of the whole
# registry reads each word's keys once, not once per woman.
_cached = lru_cache(maxsize=200_000)
_VOWEL_RUN = re.compile(r"[aeiou]+")
_VOWELS = re.compile(r"[aeiou]")


def _vowel_class(match: re.Match[str]) -> str:
    """ea, ia, ie, e, i and ey are one vowel in romanised Khmer; o, u, ou, au another."""
    return {"a": "a", "e": "e", "i": "e", "o": "o", "u": "o"}[match.group(0)[0]]


@_cached
def latin_sound(word: str) -> str:
    """A romanised word folded to how it sounds: Sophea, Sophia and Sopheap are all "sope";
    Chan, Chhan and Chann are all "can"."""
    folded = latin_key(word)
    for pattern, replacement in _LATIN_FOLDS:
        folded = pattern.sub(replacement, folded)
    return _VOWEL_RUN.sub(_vowel_class, folded)


@_cached
def khmer_to_latin(word: str) -> str:
    """A Khmer word read into Latin letters, folded like `latin_sound` folds a romanisation.

    Khmer vowels depend on the consonant's series, so every vowel is read "a": only the
    consonants (and where a vowel stands) survive, which is what `skeleton` keeps.
    A subscript consonant that ends a word is silent (ពេជ្រ Pich, វង្ស Vong), so is one
    under a toandakhiat; the nikahit is "-am" (សំ Sam).
    """
    text = khmer_key(word)
    out: list[str] = []
    for i, char in enumerate(text):
        point = ord(char)
        following = text[i + 1] if i + 1 < len(text) else ""
        if point in _CONSONANTS:
            subscript = i > 0 and text[i - 1] == _COENG
            if following == _TOANDAKHIAT or (subscript and _only_signs(text[i + 1 :])):
                continue
            out.append(_KHMER_TO_LATIN[char])
        elif char == _NIKAHIT:
            out.append("am")
        elif 0x17A3 <= point <= 0x17C5:  # independent and dependent vowels
            out.append("a")
    return latin_sound("".join(out))


def _only_signs(text: str) -> bool:
    """Nothing after but marks: no consonant or vowel that would make it heard."""
    return not any(0x1780 <= ord(char) <= 0x17C6 for char in text)


def skeleton(sound: str) -> str:
    """The consonants of a folded word: "sope" -> "sp"; what meets across the two scripts."""
    return _DOUBLED.sub(r"\1", _VOWELS.sub("", sound))


@_cached
def khmer_skeleton(word: str) -> str:
    """The Khmer consonants of a word, vowels, signs and coeng dropped: spelling variants of
    a Khmer name (ស្រីមុំ, ស្រីមុម) meet."""
    consonants = [char for char in khmer_key(word) if ord(char) in _CONSONANTS]
    return _DOUBLED.sub(r"\1", "".join(consonants))


def _either_order(family: str, given: str) -> str:
    """One key for "family given" and "given family": the smaller of the two joinings.

    Names written as one word ("ចាន់ស្រីមុំ") meet the same name written as two, since the
    words are joined without a space.
    """
    return min(family + given, given + family)


def _family_and_given(name: str) -> tuple[str, str]:
    words = name.split()
    if not words:
        return "", ""
    return words[0], "".join(words[1:])


@dataclass(frozen=True)
class NameKeys:
    """Every key of one person's name; empty strings where a script is missing."""

    km_key: str
    latin_key: str
    khmer_skeleton: str  # Khmer consonants, family and given in either order
    latin_sound: str  # the romanisation folded, in either order
    km_skeleton: str  # consonants of the Khmer name read into Latin letters
    latin_skeleton: str  # consonants of the romanisation

    @property
    def skeletons(self) -> set[str]:
        return {key for key in (self.km_skeleton, self.latin_skeleton) if key}


@_cached
def name_keys(*, name_km: str, name_latin: str) -> NameKeys:
    km_family, km_given = _family_and_given(name_km)
    latin_family, latin_given = _family_and_given(name_latin)
    latin_family, latin_given = latin_sound(latin_family), latin_sound(latin_given)
    return NameKeys(
        km_key=khmer_key(name_km),
        latin_key=latin_key(name_latin),
        khmer_skeleton=_either_order(khmer_skeleton(km_family), khmer_skeleton(km_given)),
        latin_sound=_either_order(latin_family, latin_given),
        km_skeleton=_either_order(
            skeleton(khmer_to_latin(km_family)), skeleton(khmer_to_latin(km_given))
        ),
        latin_skeleton=_either_order(skeleton(latin_family), skeleton(latin_given)),
    )


@_cached
def name_parts(*, name_km: str, name_latin: str) -> tuple[str, str]:
    """The consonants of the family name and of the given name, the smaller first (so a swap
    changes nothing), read from the Khmer name when there is one: for "one of the two
    names is the same"."""
    if name_km.strip():
        family, given = _family_and_given(name_km)
        first, second = skeleton(khmer_to_latin(family)), skeleton(khmer_to_latin(given))
    else:
        family, given = _family_and_given(name_latin)
        first, second = skeleton(latin_sound(family)), skeleton(latin_sound(given))
    return min(first, second), max(first, second)
