"""Phonetic keys: transliteration variants meet, different names do not."""

from taawun.names.phonetic import arabic_key, coarse, latin_keys


def test_stock_meets_across_scripts() -> None:
    assert arabic_key("شتوك") in latin_keys("shtok")
    assert arabic_key("ستوك") in latin_keys("stock")
    assert coarse(arabic_key("شتوك")) == coarse(latin_keys("stock")[0])


def test_french_and_english_spellings() -> None:
    assert set(latin_keys("youcef")) & set(latin_keys("yusuf"))
    assert set(latin_keys("chtouk")) & set(latin_keys("shtuk"))


def test_doubled_letters_and_vowels() -> None:
    assert arabic_key("محمد") in latin_keys("mohammed")
    assert arabic_key("محمد") in latin_keys("muhamad")
    assert arabic_key("حسن") in latin_keys("hassan")


def test_abd_article_and_assimilation() -> None:
    key = arabic_key("عبدرحمن")
    assert key in latin_keys("abdelrahman")
    assert key in latin_keys("abdurrahman")


def test_ambiguous_final_h() -> None:
    assert arabic_key("صالح") in latin_keys("saleh")
    assert arabic_key("فاطمه") in latin_keys("fatimah")
