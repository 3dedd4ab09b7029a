"""A floor only hides what is below it: with a floor, a pair of name parts scores exactly as without
one when it reaches the floor, and (0.0, "") otherwise (the cheap bounds that settle most pairs
must never settle one that counts)."""

import pytest

from taawun.names import similarity
from taawun.names.segment import segment
from taawun.names.tokens import analyse_part

# Parts (not people): alike and unalike spellings across scripts, compounds, initials, short names.
_TEXT = (
    "Mohammed Muhammad Mohamed Mhamed Ahmed Ahmad Hamid Hamed Hamad Mahmoud Mahmud Khalid Khaled Walid "
    "Youssef Yusuf Youcef Joseph Zahrani Alzahrani Zuhair Zahir Omar Umar Ammar Amer Amir Aymen Amin "
    "Hussein Hassan Hussain Hasan Hosni Taghi Taqi Reza Rida Noura Nour Nora Fatima Fatimah Fatma Saleh "
    "Salih Saad Sayad Sayed Essaydi Abdelrahman Abdurrahman Nasreddine Haytham Hatim Lotfi Lotfia Latif "
    "Benali Ali Alia Aliya Ouadah Wadah Chaouki Shawki Shtok Stock Bhatti Chaudhry A M Z Gamal Jamal "
    "محمد احمد حامد محمود خالد وليد يوسف الزهراني زهير عمر عمار عامر ايمن امين حسين حسن تقي رضا نوره "
    "نور فاطمه صالح سعد السعيدي عبدالرحمن نصرالدين هيثم حاتم لطفي لطيف علي علياء جمال شوقي بهٹي طه"
)
PARTS = _TEXT.split()


@pytest.fixture(scope="module")
def tokens() -> list:
    return [analyse_part(p) for w in PARTS for p in segment(w)]


@pytest.mark.parametrize("floor", [0.5, 0.65, 0.75, 0.9])
def test_floor_hides_only_what_is_below_it(tokens: list, floor: float) -> None:
    similarity._PAIR_CACHE.clear()
    reached = 0
    for a in tokens:
        for b in tokens:
            exact = similarity._token_similarity(a, b, 0.0)
            got = similarity.token_similarity(a, b, floor)
            if exact[0] >= floor:
                reached += 1
                assert got == exact, (a.source, b.source, floor)
            else:
                assert got == (0.0, ""), (a.source, b.source, floor)
    assert reached > len(tokens)  # more pairs than the parts themselves reach the floor
    similarity._PAIR_CACHE.clear()


@pytest.mark.parametrize("floor", [0.65, 0.75])
def test_a_row_of_pairs_scores_as_its_pairs(tokens: list, floor: float) -> None:
    expected = [[similarity._token_similarity(a, b, 0.0) for b in tokens] for a in tokens]
    # a fresh cache, the entries the first pass left, then entries left by floors above and below
    for state in ("cold", "warm", "higher floor", "no floor"):
        similarity._PAIR_CACHE.clear()
        if state == "warm":
            for a in tokens:
                similarity.similar_parts(a, tokens, floor)
        elif state != "cold":
            other = 0.0 if state == "no floor" else min(1.0, floor + 0.1)
            for a in tokens:
                for b in tokens:
                    similarity.token_similarity(a, b, other)
        for a, row in zip(tokens, expected, strict=True):
            got = similarity.similar_parts(a, tokens, floor)
            assert got == [(j, *e) for j, e in enumerate(row) if e[0] >= floor], (a.source, floor, state)
    similarity._PAIR_CACHE.clear()
