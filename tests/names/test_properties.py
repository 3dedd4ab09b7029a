"""Property tests: symmetry, identity, invariance to diacritics, robustness."""

from hypothesis import given, settings
from hypothesis import strategies as st

from taawun.names import compare

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئپچژگ"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
parts = ["Samir", "Haddad", "Jurgen", "Stock", "Youcef", "Zahrani", "سمير", "حداد", "الزهراني", "عبد الرحمن",
         "Abdel", "bin", "al-", "Khoury", "Noureddine", "خالد", "شتوك"]

arabic_word = st.text(alphabet=ARABIC_LETTERS, min_size=1, max_size=8)
name = st.lists(st.sampled_from(parts) | arabic_word, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(name, name)
def test_symmetric(a: str, b: str) -> None:
    assert compare(a, b).score == compare(b, a).score


@settings(max_examples=300, deadline=None)
@given(name)
def test_identity(a: str) -> None:
    r = compare(a, a)
    assert r.score == 1.0 or not r.pairs  # names with no letters have no parts


@settings(max_examples=200, deadline=None)
@given(st.lists(arabic_word, min_size=1, max_size=3).map(" ".join), name, st.data())
def test_diacritics_and_tatweel_do_not_change_scores(a: str, b: str, data: st.DataObject) -> None:
    decorated = []
    for ch in a:
        decorated.append(ch)
        if ch != " ":
            decorated.append(data.draw(st.sampled_from(["", "ـ", *HARAKAT])))
    assert compare("".join(decorated), b).score == compare(a, b).score


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_random_unicode_never_crashes(a: str, b: str) -> None:
    s = compare(a, b).score
    assert 0.0 <= s <= 1.0
