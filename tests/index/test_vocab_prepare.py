"""Prepared similar-part lists (`PersonIndex.finalize`) must be exactly the lists a query would make.

`Vocabulary.prepare` scores each pair of parts once and files it under both (it relies on the
candidate bounds and `token_similarity` being symmetric); if a change in `names/` broke that
symmetry, or the length-sorted column scan skipped a string it must look at, these tests show it.
"""

import random
from pathlib import Path

from taawun.index import PersonIndex
from taawun.index.person import CAND_MIN_SIM
from taawun.names import analyse_name, compare
from taawun.names.similarity import token_similarity

from .test_person_index_exhaustive import ARABIC, LATIN

EXTRA = ["Kasem", "Qassim", "Jurgen", "Juergen", "Stock", "Shtok", "Mohamed", "Mouhammad", "Alya", "Hasan",
         "Husayn", "Samer", "Sameer", "Abdulrahman", "Zahrany", "K.", "M.", "يورغن", "ستوك", "سامر", "حسان"]


def _names(rng: random.Random, n: int) -> list[list[str]]:
    pool_lat = LATIN + EXTRA[:16]
    pool_ar = ARABIC + EXTRA[17:]
    out = []
    for _ in range(n):
        pool = pool_ar if rng.random() < 0.4 else pool_lat
        out.append([" ".join(rng.sample(pool, rng.randint(2, 3))) for _ in range(rng.randint(1, 3))])
    return out


def _brute(idx: PersonIndex, tok) -> dict[int, float]:  # type: ignore[no-untyped-def]
    """Every vocabulary part at least CAND_MIN_SIM alike (initial query parts: initials only)."""
    out = {}
    for tid, other in enumerate(idx._vocab.tokens):
        if tok.is_initial and not other.is_initial:
            continue
        s = token_similarity(tok, other, CAND_MIN_SIM)[0]
        if s >= CAND_MIN_SIM:
            out[tid] = s
    return out


def _build(seed: int, n: int) -> PersonIndex:
    idx = PersonIndex()
    for i, ns in enumerate(_names(random.Random(seed), n)):
        idx.add(f"p{i}", names=ns)
    return idx


def test_prepared_lists_equal_exhaustive_lists() -> None:
    idx = _build(1, 300)
    idx.finalize()
    vocab = idx._vocab
    assert len(vocab._known) == len(vocab.tokens)
    for tok in vocab.tokens:
        assert vocab.similar(tok, CAND_MIN_SIM) == _brute(idx, tok), tok.forms


def test_lists_stay_complete_as_parts_are_added_after_finalize() -> None:
    idx = _build(2, 150)
    idx.finalize()
    before = len(idx._vocab.tokens)
    idx.add("new-1", names=["Qaseem Haddaad", "قاسيم حدّاد"])
    idx.add("new-2", names=["Yousef Al-Zahrani", "J. Stok"])
    assert len(idx._vocab.tokens) > before  # new parts joined the vocabulary
    for tok in idx._vocab.tokens:
        assert idx._vocab.similar(tok, CAND_MIN_SIM) == _brute(idx, tok), tok.forms
    hits = idx.search(names=["Qasim Haddad"], limit=50, explain=False)
    got = {h.record_id: h.score for h in hits}
    assert got["new-1"] == max(compare("Qasim Haddad", n).score for n in ["Qaseem Haddaad", "قاسيم حدّاد"])


def test_finalize_changes_no_result_and_survives_a_snapshot(tmp_path: Path) -> None:
    plain = _build(3, 250)
    prepared = _build(3, 250)
    prepared.finalize()
    path = tmp_path / "p.snap"
    prepared.save(path)
    loaded = PersonIndex.load(path)
    assert len(loaded._vocab._known) == len(loaded._vocab.tokens)
    rng = random.Random(5)
    for ns in _names(rng, 25):
        q = ns[0]
        a = [(h.record_id, h.score) for h in plain.search(names=[q], limit=30, explain=False)]
        b = [(h.record_id, h.score) for h in prepared.search(names=[q], limit=30, explain=False)]
        c = [(h.record_id, h.score) for h in loaded.search(names=[q], limit=30, explain=False)]
        assert a == b == c, q
    for tok in analyse_name("Sameena Kahn Wassim"):  # parts outside the vocabulary: lists made on use
        assert loaded._vocab.similar(tok, CAND_MIN_SIM) == _brute(loaded, tok)


def test_lists_made_in_worker_processes_equal_the_serial_ones_in_order(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The bulk prepare forks workers for the column joins and the scoring on large vocabularies; the
    lists (and their order, which the index's float32 sums follow) must not depend on it."""
    from taawun.index import bulk

    serial = _build(4, 300)
    serial._vocab.prepare(CAND_MIN_SIM, workers=1)
    monkeypatch.setattr(bulk, "PARALLEL_MIN_PARTS", 0)  # a small vocabulary takes the worker path too
    monkeypatch.setattr(bulk, "_CHUNK", 97)  # several scoring tasks, finished in any order
    forked = _build(4, 300)
    forked._vocab.prepare(CAND_MIN_SIM, workers=2)
    a, b = serial._vocab._known, forked._vocab._known
    assert a.keys() == b.keys()
    assert all(list(a[k][1].items()) == list(b[k][1].items()) for k in a)
    assert sum(len(v[1]) for v in b.values()) > len(b)  # parts are similar to more than themselves
