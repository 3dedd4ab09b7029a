"""Normalisation rules, each with a real-looking example (all people fictitious)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from taawun.names.normalize import _clean_slow, clean_text, fold_arabic, fold_latin


def test_harakat_and_tatweel_removed() -> None:
    assert clean_text("مُحَمَّد") == "محمد"
    assert clean_text("مـــحمد") == "محمد"


def test_alef_hamza_forms_unified() -> None:
    assert clean_text("أحمد") == clean_text("احمد") == clean_text("إحمد") == clean_text("آحمد")
    assert clean_text("ٱحمد") == "احمد"


def test_hamza_on_waw_and_yeh() -> None:
    assert clean_text("مؤمن") == "مومن"
    assert clean_text("وائل") == "وايل"


def test_ta_marbuta_and_alef_maqsura() -> None:
    assert clean_text("فاطمة") == "فاطمه"
    assert clean_text("مصطفى") == "مصطفي"


def test_persian_urdu_glyph_variants() -> None:
    assert clean_text("کریمی") == "كريمي"
    assert clean_text("ہاشم") == "هاشم"
    assert fold_arabic("گلشيري") == "كلشيري"
    assert fold_arabic("پرويز") == "برويز"


def test_persian_zwnj_removed() -> None:
    assert clean_text("محمد\u200cرضا") == "محمدرضا"


def test_latin_accents_and_case() -> None:
    assert fold_latin("Jürgen") == "jurgen"
    assert fold_latin("BENSAÏD") == "bensaid"
    assert fold_latin("Maârouf") == "maarouf"


def _defined(text: str) -> str:
    """clean_text by its definition (ASCII text is left as it is)."""
    return text if text.isascii() else _clean_slow(text)


def test_every_character_cleaned_as_the_normal_forms_say() -> None:
    """clean_text reads most texts through a per-character table: for every character (with a
    neighbour in each script, so that the table is the path taken) it must agree with the
    definition, NFKC then NFKD with the marks dropped."""
    for cp in [*range(0x10000), 0x1D165, 0x1D400, 0xE0100, 0x10FFFF]:  # (beyond the plane: no table)
        for text in (chr(cp), "ب" + chr(cp) + "a"):
            assert clean_text(text) == _defined(text), hex(cp)


@given(st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # Latin combining marks
    st.characters(min_codepoint=0x610, max_codepoint=0x6FF),  # Arabic letters and harakat
    st.characters(min_codepoint=0x1100, max_codepoint=0x11FF),  # Hangul jamo (compose in NFKC)
    st.sampled_from("aeé`'’\u0654\u0655\u0670\u0f71\u0f72\u0f73\u1734\u302e\u3099\uac00\ufb01\ufef7\U0001d165"),
    st.characters(),
), max_size=12))
@settings(max_examples=3000, deadline=None)
def test_clean_text_equals_the_normal_forms_on_mixed_text(text: str) -> None:
    """Marks of neighbouring characters reorder under NFKD and jamo compose under NFKC: the
    per-character table must still give the definition's text."""
    assert clean_text(text) == _defined(text)
