"""The estimate that decides which joins of two parts are analysed must never fall below the real
similarity of a part to the joined parts (a join that would match must still be tried), and must
rule out the joins that share next to nothing with the part (the reason it exists)."""

import itertools

from taawun.names import analyse_name, compare
from taawun.names.joins import joined_similarity_estimate
from taawun.names.similarity import token_similarity
from taawun.names.tokens import merge_tokens

# Parts that are written both as one word and as two, in both scripts, and parts that are not.
PARTS = ["Abdel", "Abd", "al", "Rahman", "Abdelrahman", "Abdulrahman", "Mohammad", "Javad", "Mohammadjavad", "Nour",
         "Eddine", "Noureddine", "Nouredine", "Bahaa", "Eldin", "Bahaeddine", "Abu", "Bakr", "Abubakr", "Amir", "Reza",
         "Amirreza", "Ali", "Alireza", "Yasser", "Awad", "Mostafa", "Saif", "Seifeddine", "Hossam", "Hosameldin",
         "عبد", "الرحمن", "عبدالرحمن", "محمد", "جواد", "محمدجواد", "نور", "الدين", "نورالدين", "ابو", "بكر", "ابوبكر",
         "امير", "رضا", "اميررضا", "ياسر", "عواد", "مصطفى", "سيف", "سيفالدين", "حسام", "حسامالدين", "بهاء", "بهاالدين"]


def _tokens() -> list:
    out = []
    for p in PARTS:
        out.extend(analyse_name(p))
    return out


def test_estimate_never_below_the_real_similarity() -> None:
    toks = _tokens()
    checked = 0
    for a, b in itertools.permutations(toks, 2):
        merged = merge_tokens(a, b)
        if merged is None:
            continue
        for t in toks:
            real = token_similarity(t, merged)[0]
            assert joined_similarity_estimate(t, a, b) >= real - 1e-9, (t.source, a.source, b.source, real)
            checked += 1
    assert checked > 50_000


def test_estimate_rules_out_unrelated_joins_and_keeps_compounds() -> None:
    def est(t: str, a: str, b: str) -> float:
        return joined_similarity_estimate(analyse_name(t)[0], analyse_name(a)[0], analyse_name(b)[0])

    assert est("Yasser", "Awad", "Mostafa") < 0.8
    assert est("ياسر", "عواد", "مصطفى") < 0.8
    assert est("Abdelrahman", "Abdel", "Rahman") >= 0.9
    assert est("محمدجواد", "Mohammad", "Javad") >= 0.9
    assert est("Noureddine", "نور", "الدين") >= 0.9


def test_joined_names_still_match_across_the_forms() -> None:
    assert compare("Abdel Rahman Saleh", "Abdelrahman Saleh").score >= 0.9
    assert compare("محمدجواد كريمي", "Mohammad Javad Karimi").score >= 0.88
    assert compare("نور الدين بلحاج", "Noureddine Belhadj").score >= 0.88
