"""Behaviour of compare() on composed, fictitious names (plus the Jürgen Stock example)."""

import json

import pytest

from taawun.names import DEFAULT_THRESHOLD, compare

SAME = [
    ("يورغن شتوك", "Jurgen Stock"),
    ("يورغن ستوك", "Jürgen Stock"),
    ("Jürgen Stock", "Juergen Stock"),
    ("يورغن شتوك", "Juergen Stock"),
    ("محمد عبد الرحمن الزهراني", "Mohammed Abdulrahman Al-Zahrani"),
    ("محمد عبد الرحمن الزهراني", "Muhammad Abd al-Rahman al Zahrani"),
    ("محمد عبد الرحمن الزهراني", "Mohamed Zahrani"),
    ("Youcef Chtouk", "Yusuf Shtuk"),
    ("خالد بن وليد القحطاني", "Khaled Al Qahtani"),
    ("Samira Haddad", "سميرة حداد"),
    ("Haddad Samira", "Samira Haddad"),
    ("نور الدين بلقاسم", "Noureddine Belkacem"),
]

DIFFERENT = [
    ("Mohamed Ali", "Hassan Omar"),
    ("محمد علي", "احمد حسن"),
    ("Fadi Haddad", "فواد حداد"),
    ("Samir Khoury", "Karim Mansour"),
    ("Mohammed Saad", "محمد صياد"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_person_above_threshold(a: str, b: str) -> None:
    assert compare(a, b).score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_below_threshold(a: str, b: str) -> None:
    assert compare(a, b).score < DEFAULT_THRESHOLD


def test_rare_part_outweighs_common_part() -> None:
    # sharing the rare family name matters more than sharing "Mohammed"
    rare = compare("Mohammed Zahrani", "Ahmed Zahrani").score
    common = compare("Mohammed Zahrani", "Mohammed Qahtani").score
    assert rare > common


def test_missing_middle_name_tolerated() -> None:
    assert compare("Samir Khalil Haddad", "Samir Haddad").score > compare("Samir Haddad", "Samir Khoury").score


def test_initials() -> None:
    assert compare("J. Stock", "Jurgen Stock").score > compare("K. Stock", "Jurgen Stock").score


def test_explanation_is_json() -> None:
    r = compare("يورغن شتوك", "Jurgen Stock")
    d = r.to_dict()
    json.dumps(d)
    assert len(d["pairs"]) == 2
    assert all(p["space"] for p in d["pairs"])


def test_empty_names() -> None:
    assert compare("", "Jurgen Stock").score == 0.0
    assert compare("", "").score == 0.0


def test_other_scripts_match_within_script() -> None:
    assert compare("Юрген Шток", "Юрген Шток").score == 1.0
    assert compare("张伟", "张伟").score == 1.0
    assert compare("Юрген Шток", "Jurgen Shtok").score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("wrong", "right", "arabic"),
    [
        ("Omar Khalil", "Ammar Khalil", "عمار خليل"),  # Omar is the spelling of عمر
        ("Hussain Othman", "Hassan Othman", "عثمان حسن"),  # Hussain is حسين
        ("Aymen Belaid", "Amine Belaid", "امين بلعيد"),  # Aymen is ايمن
    ],
)
def test_spelling_of_another_name_scores_below_the_right_spelling(wrong: str, right: str, arabic: str) -> None:
    # alike in sound, but the word tables say the Latin spelling belongs to a different Arabic name
    bad = compare(wrong, arabic)
    assert bad.score < compare(right, arabic).score - 0.05
    assert any("spelling of another name" in p.space for p in bad.pairs)


def test_disagreeing_common_part_still_counts_against_a_match() -> None:
    # "Ali" weighs little when it agrees, but Alaa for علي is a different given name
    assert compare("Alaa Mezher", "علي مزهر").score < compare("Ali Mezher", "علي مزهر").score - 0.08


def test_parts_in_another_order_still_hit_but_rank_below_the_same_order() -> None:
    # "Khalid Samir" (Khalid son of Samir) and "Samir Khalid" may be father and son
    same_order = compare("Khalid Samir", "خالد سمير").score
    swapped = compare("Samir Khalid", "خالد سمير").score
    assert swapped >= DEFAULT_THRESHOLD
    assert swapped < same_order
    assert compare("Samir Khalid", "خالد سمير").score == compare("خالد سمير", "Samir Khalid").score


def test_a_table_pairing_a_spelling_with_half_a_compound_does_not_discount_the_compound() -> None:
    # the word tables pair "abdallah" with عبد (the first half of عبد الله): that is no other name
    assert compare("Abdallah Mansour", "عبد الله منصور").score >= 0.95
    # داوود and داود are one name written two ways
    assert compare("Dawoud Mansour", "داوود منصور").score >= DEFAULT_THRESHOLD


def test_a_name_with_repeated_parts_is_in_order_however_the_parts_were_paired() -> None:
    # two parts match فهد and two match اسماعيل: the name is in its own order
    assert compare("اسماعيل فهد اسماعيل الفهد", "Ismail Fahad Ismail Alfahad").score == 1.0


def test_a_result_is_a_value_explained_the_same_whenever_it_is_read() -> None:
    """The explanation is built on first read: reading it late (after other comparisons have
    churned the caches), copying or pickling the result must show the same explanation, and the
    result stays immutable."""
    import copy
    import pickle
    from dataclasses import FrozenInstanceError

    a, b = "Khaled Abdelrahman Alzahrani", "خالد عبد الرحمن الزهراني"
    late = compare(a, b)
    for x, y in SAME + DIFFERENT:
        compare(x, y).to_dict()
    first = compare(a, b).to_dict()
    assert first["pairs"] and first["score"] >= DEFAULT_THRESHOLD
    assert late.to_dict() == first
    for made in (pickle.loads(pickle.dumps(compare(a, b))), copy.deepcopy(compare(a, b))):
        assert made == late and made.to_dict() == first and repr(made) == repr(late)
    assert compare(a, b) != compare(a, "Samira Haddad")
    with pytest.raises(FrozenInstanceError):
        late.score = 1.0  # type: ignore[misc]
