"""The index's shortcuts against exhaustive scoring: same scores as `compare`, no true match lost.

A small generated watchlist of fictitious persons built from name parts that are near one
another in spelling or sound (Samira/Samina, Qasim/Asim/Wasim, Arabic and Latin forms), so
that candidate generation has many weak and strong part likenesses to get right.
"""

import random

import pytest

from taawun.index import PersonIndex
from taawun.names import DEFAULT_THRESHOLD, analyse_name, compare
from taawun.names.scoring import MIN_PAIR_SIM
from taawun.names.similarity import token_similarity

LATIN = ["Samira", "Samina", "Khan", "Qasim", "Asim", "Wasim", "Nasim", "Basim", "Mohammed", "Muhammad", "Ali",
         "Alia", "Hassan", "Hussein", "Youcef", "Yusuf", "Abdelrahman", "Abd al-Rahman", "Al-Zahrani", "Zahrani",
         "Haddad", "Khalil", "Karim", "Kareem", "Salim", "Slim", "J.", "Taqi", "Taghi", "Chtouk", "Shtuk"]
ARABIC = ["سميرة", "خان", "قاسم", "عاصم", "وسيم", "نسيم", "باسم", "محمد", "علي", "حسن", "حسين", "يوسف",
          "عبد الرحمن", "الزهراني", "حداد", "خليل", "كريم", "سليم", "تقي", "شتوك"]


def _name(rng: random.Random) -> str:
    parts = ARABIC if rng.random() < 0.5 else LATIN
    return " ".join(rng.sample(parts, rng.randint(2, 3)))


@pytest.fixture(scope="module")
def watchlist() -> tuple[PersonIndex, dict[str, list[str]]]:
    rng = random.Random(7)
    idx = PersonIndex()
    names: dict[str, list[str]] = {}
    for i in range(400):
        ns = [_name(rng) for _ in range(rng.randint(1, 3))]
        idx.add(f"p{i}", names=ns)
        names[f"p{i}"] = ns
    for i in range(0, 400, 9):  # removed and updated records must behave like the exhaustive truth
        idx.remove(f"p{i}")
        del names[f"p{i}"]
    for i in range(1, 400, 11):
        ns = [_name(rng)]
        idx.add(f"p{i}", names=ns)
        names[f"p{i}"] = ns
    return idx, names


def test_search_agrees_with_exhaustive_compare(watchlist: tuple[PersonIndex, dict[str, list[str]]]) -> None:
    idx, names = watchlist
    rng = random.Random(11)
    for _ in range(40):
        q = _name(rng)
        truth = {rid: max(compare(q, n).score for n in ns) for rid, ns in names.items()}
        hits = idx.search(names=[q], limit=len(names), explain=False)
        got = {h.record_id: h.score for h in hits}
        missed = [rid for rid, s in truth.items() if s >= DEFAULT_THRESHOLD and rid not in got]
        assert not missed, (q, missed)
        for rid, s in got.items():
            assert rid in names  # never a removed record
            # the index scores the entries it considers exactly; near its candidate floor it may
            # not consider a record's best name, but never over-scores and never errs on a match
            assert s <= truth[rid] + 1e-6, (q, rid, names[rid])
            if truth[rid] >= DEFAULT_THRESHOLD:
                assert s == pytest.approx(truth[rid], abs=1e-6), (q, rid, names[rid])


def test_similar_parts_are_complete(watchlist: tuple[PersonIndex, dict[str, list[str]]]) -> None:
    """Every vocabulary part at least MIN_PAIR_SIM alike to a query part is listed, with its similarity."""
    idx, _ = watchlist
    vocab = idx._vocab
    for q in ["Sameena Kahn", "قاسم عاصم", "Wassim Bassem", "Abdul Rahman Zahrany", "Taki Chtuk"]:
        for tok in analyse_name(q):
            listed = vocab.similar(tok, MIN_PAIR_SIM)
            expected = {}
            for tid, other in enumerate(vocab.tokens):
                s = token_similarity(tok, other, MIN_PAIR_SIM)[0]
                if s >= MIN_PAIR_SIM:
                    expected[tid] = s
            assert listed == expected, tok.text


def test_snapshot_keeps_search_results(watchlist: tuple[PersonIndex, dict[str, list[str]]], tmp_path) -> None:
    idx, _ = watchlist
    path = tmp_path / "p.snap"
    idx.save(path)
    loaded = PersonIndex.load(path)
    for q in ["Samina Khan", "محمد علي", "Yusuf Haddad"]:
        a = [(h.record_id, h.score) for h in idx.search(names=[q], limit=50, explain=False)]
        b = [(h.record_id, h.score) for h in loaded.search(names=[q], limit=50, explain=False)]
        assert a == b


def test_screening_search_agrees_with_exhaustive_compare(watchlist: tuple[PersonIndex, dict[str, list[str]]]
                                                         ) -> None:
    """Asked for hits at the threshold only (min_total), the index returns every record whose best name
    reaches it, with compare's score, and nothing below it."""
    idx, names = watchlist
    rng = random.Random(13)
    for _ in range(40):
        q = _name(rng)
        truth = {rid: max(compare(q, n).score for n in ns) for rid, ns in names.items()}
        hits = idx.search(names=[q], limit=len(names), explain=False, min_total=DEFAULT_THRESHOLD)
        got = {h.record_id: h.score for h in hits}
        want = {rid: s for rid, s in truth.items() if s >= DEFAULT_THRESHOLD}
        assert set(got) == set(want), q
        for rid, s in got.items():
            assert s == pytest.approx(want[rid], abs=1e-6), (q, rid, names[rid])
