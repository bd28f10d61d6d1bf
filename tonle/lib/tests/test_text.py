"""Search keys: the same name typed differently gives the same key."""

from tonle.lib.text import from_khmer_digits, khmer_key, latin_key, phone_key, to_khmer_digits


def test_khmer_key_ignores_zero_width_spaces_and_spaces():
    assert khmer_key("សុខ\u200b សុភា") == khmer_key("សុខសុភា")


def test_khmer_key_puts_a_coeng_and_vowel_typed_in_either_order_in_one_order():
    # ស្រី: SA, COENG, RO, vowel II. Typed with the vowel before the subscript it looks the same.
    canonical = "\u179f\u17d2\u179a\u17b8"
    mistyped = "\u179f\u17b8\u17d2\u179a"
    assert khmer_key(mistyped) == khmer_key(canonical)


def test_latin_key_folds_case_accents_spaces_and_punctuation():
    assert latin_key("  Sók-Chéa ") == latin_key("sokchea") == "sokchea"


def test_phone_key_keeps_digits_and_folds_the_country_code():
    assert phone_key("+855 12 345 678") == "012345678"
    assert phone_key("012-345-678") == "012345678"


def test_khmer_digits_round_trip():
    assert to_khmer_digits("2,814") == "២,៨១៤"
    assert from_khmer_digits("២០២៣") == "2023"
