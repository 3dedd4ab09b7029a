"""Normalisation rules, each with a real-looking example (all people fictitious)."""

from taawun.names.normalize import clean_text, fold_arabic, fold_latin


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
