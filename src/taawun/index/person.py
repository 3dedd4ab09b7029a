"""In-memory screening index over persons and their names.

Candidate generation works on the token vocabulary, which is far smaller than the record
count: a query part is compared with the vocabulary parts that share a phonetic key (or are
one edit away from sharing one), and only the records carrying those parts are scored. Rare
query parts alone can already decide whether a record could reach the minimum score, so the
postings of very common parts (Mohammed, Ali) are only read when a query has nothing rarer.
"""

from __future__ import annotations

import pickle
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from taawun.index.vocab import Vocabulary
from taawun.names import DEFAULT_THRESHOLD, analyse_name, compare
from taawun.names.attributes import PartialDate, combine, normalise_nationalities, parse_date
from taawun.names.scoring import ALPHA, CONFLICT, MIN_PAIR_SIM, align, greedy_order, order_factor, pair_terms
from taawun.names.segment import segment
from taawun.names.similarity import token_similarity
from taawun.names.tokens import Token, analyse_part

_SNAPSHOT_VERSION = 4  # 4: Token carries derived fields (key letter masks)
MIN_NAME_SCORE = 0.6  # below this a name is not a candidate at all
CAND_MIN_SIM = 0.75  # parts this alike open candidates; weaker likenesses only refine exact scores
_SMALL = 80  # up to this many postings, score every candidate exactly
_SHORTLIST = 30  # beyond it, rank candidates with numpy and score this many (or 3 * limit) exactly


class Hit:
    """One search result; `explanation` is plain JSON-serialisable data.

    The explanation is made when first read, not by the search: making it costs a full name
    comparison, and callers read it only for the few hits they show (those above the threshold),
    so a search costs only its scoring. It is made from the state captured at search time.
    """

    __slots__ = ("record_id", "score", "_explanation", "_make")

    def __init__(self, record_id: str, score: float, explanation: dict[str, Any] | None = None,
                 make: Callable[[], dict[str, Any]] | None = None) -> None:
        self.record_id = record_id
        self.score = score
        self._explanation = explanation
        self._make = make

    @property
    def explanation(self) -> dict[str, Any]:
        if self._explanation is None:
            make, self._make = self._make, None
            self._explanation = make() if make is not None else {}
        return self._explanation

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "score": self.score, "explanation": self.explanation}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hit):
            return NotImplemented
        return (self.record_id, self.score, self.explanation) == (other.record_id, other.score, other.explanation)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Hit(record_id={self.record_id!r}, score={self.score!r})"


@dataclass(slots=True)
class _Record:
    record_id: str
    names: tuple[str, ...]
    entries: tuple[int, ...]
    entry_names: tuple[str, ...]  # the name each entry was made from
    birth: PartialDate | None
    nationalities: frozenset[str]
    sex: str | None
    birth_raw: str | None


class PersonIndex:
    """Thread-safe (one RLock) index of persons for name screening."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._vocab = Vocabulary()
        self._by_part: dict[tuple[str, tuple[str, ...]], int] = {}  # segmented part -> token id
        self._postings: list[array] = []  # token id -> entry ids
        self._entry_rec: array = array("i")  # entry id -> internal record id (-1 = removed)
        # entry id -> its token ids, stored flat: tokens of entry e are
        # _tok_flat[_tok_start[e] : _tok_start[e + 1]] (a sentinel closes the last entry)
        self._tok_flat: array = array("i")
        self._tok_start: array = array("q", [0])
        self._shared: dict[Any, Any] = {}  # interned nationality sets / birth dates
        self._entry_w: array = array("f")  # entry id -> total part weight
        self._records: list[_Record | None] = []
        self._rid: dict[str, int] = {}
        self._dead_entries = 0
        self._acc = np.zeros(0, dtype=np.float32)

    # -- mutation -------------------------------------------------------------------------
    def add(
        self,
        record_id: str,
        names: Iterable[str],
        birth_date: str | None = None,
        nationalities: Iterable[str] | None = None,
        sex: str | None = None,
    ) -> None:
        """Add (or replace) a person."""
        names_t = tuple(n for n in names if n and n.strip())
        with self._lock:
            if record_id in self._rid:
                self.remove(record_id)
            rid = len(self._records)
            entries: list[int] = []
            entry_names: list[str] = []
            for name in names_t:
                tids = self._part_ids(name)
                if not tids:
                    continue
                while len(self._postings) < len(self._vocab):
                    self._postings.append(array("i"))
                eid = len(self._tok_start) - 1
                self._tok_flat.extend(tids)
                self._tok_start.append(len(self._tok_flat))
                self._entry_rec.append(rid)
                self._entry_w.append(sum(self._vocab.tokens[t].weight for t in tids))
                for tid in set(tids):
                    self._postings[tid].append(eid)
                entries.append(eid)
                entry_names.append(name)
            self._records.append(
                _Record(
                    record_id=record_id,
                    names=names_t,
                    entries=tuple(entries),
                    entry_names=tuple(entry_names),
                    birth=self._share(parse_date(birth_date)),
                    nationalities=self._share(normalise_nationalities(list(nationalities or ()))),
                    sex=sex,
                    birth_raw=birth_date,
                )
            )
            self._rid[record_id] = rid

    def _part_ids(self, name: str) -> tuple[int, ...]:
        """Token ids of a name's parts, as `analyse_name` would give them.

        Stored names are mostly distinct but their parts repeat endlessly, so a part already
        seen (same script and forms, hence the same analysis) is not analysed again.
        """
        out = []
        for part in segment(name):
            key = (part.script, part.forms)
            tid = self._by_part.get(key)
            if tid is None:
                tid = self._by_part[key] = self._vocab.intern(analyse_part(part))
            out.append(tid)
        return tuple(out)

    def _share(self, value: Any) -> Any:
        """One shared object per distinct value: millions of records repeat a few hundred."""
        if value is None:
            return None
        return self._shared.setdefault(value, value)

    def _entry_tids(self, eid: int) -> array:
        return self._tok_flat[self._tok_start[eid] : self._tok_start[eid + 1]]

    def remove(self, record_id: str) -> bool:
        """Remove a person; returns whether it was present."""
        with self._lock:
            rid = self._rid.pop(record_id, None)
            if rid is None:
                return False
            rec = self._records[rid]
            self._records[rid] = None
            if rec is not None:
                for eid in rec.entries:
                    self._entry_rec[eid] = -1
                self._dead_entries += len(rec.entries)
            if self._dead_entries > 1000 and self._dead_entries > len(self._entry_rec) // 3:
                self._compact()
            return True

    def _compact(self) -> None:
        """Drop removed entries from postings (called under the lock)."""
        for tid, plist in enumerate(self._postings):
            if plist:
                self._postings[tid] = array("i", (e for e in plist if self._entry_rec[e] >= 0))
        self._dead_entries = 0

    def finalize(self) -> None:
        """Prepare the vocabulary's similar-part lists after a bulk load (optional, but call it before
        serving and before `save`: the snapshot keeps the lists).

        Without it the first query naming a part pays for finding that part's similar parts (a scan
        of the vocabulary plus exact scoring of the survivors, milliseconds); with it a query part
        that is a known part (nearly all are) costs one lookup. The cost is per distinct part, so it
        barely grows with the record count; parts added later get their lists on first use.
        """
        with self._lock:
            self._vocab.prepare(CAND_MIN_SIM)

    def __len__(self) -> int:
        return len(self._rid)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._rid

    # -- search ---------------------------------------------------------------------------
    def _similar(self, tok: Token) -> dict[int, float]:
        """The vocabulary parts that open candidates (>= CAND_MIN_SIM), complete. Weaker pairs (down to
        MIN_PAIR_SIM) only refine the exact score of an entry that is a candidate anyway: they are
        scored per entry (`_entry_score`), which costs far less than listing them for the whole
        vocabulary, where the low cut-off lets hundreds of parts through the cheap bounds."""
        return self._vocab.similar(tok, CAND_MIN_SIM)

    @staticmethod
    def _prefix(qtoks: Sequence[Token], floor: float) -> list[int]:
        """Query parts (by index) at least one of which any record above `floor` must match."""
        order = sorted(range(len(qtoks)), key=lambda i: -qtoks[i].weight)
        rest = sum(t.weight for t in qtoks)
        chosen: list[int] = []
        taken = 0.0
        for i in order:
            chosen.append(i)
            taken += qtoks[i].weight
            rest -= qtoks[i].weight
            if rest <= 0 or 2 * rest / (2 * rest + ALPHA * taken) < floor:
                break
        return chosen

    def _entry_score(self, qtoks: Sequence[Token], sims: Sequence[dict[int, float]], tids: Sequence[int]) -> float:
        """Exact name score of one entry, from the part similarities computed for the query.

        A lean greedy alignment on precomputed similarities; the general `align` (which can
        also join two parts into one) runs only when that could change the result.
        """
        toks = self._vocab.tokens
        cands: list[tuple[float, float, str, str, int, int]] = []
        lazy: dict[tuple[int, int], float] = {}
        # Pairs not listed for a non-initial query part are below CAND_MIN_SIM, hence below every
        # listed pair: the greedy alignment reaches them only after all listed pairs, and only those
        # whose two parts are both still free can be taken. So they are scored (exactly, cached per
        # pair) only then: the same alignment, for a fraction of the scoring.
        deferred: list[tuple[int, int]] = []
        for i, sm in enumerate(sims):
            eager = qtoks[i].is_initial  # an initial's unlisted pairs may score high (it stands for any part)
            for j, tid in enumerate(tids):
                v = sm.get(tid)
                if v is None:
                    if not eager:
                        deferred.append((i, j))
                        continue
                    v = token_similarity(qtoks[i], toks[tid], MIN_PAIR_SIM)[0]
                    if v < MIN_PAIR_SIM:
                        continue
                    lazy[i, j] = v
                cands.append((*greedy_order(v, qtoks[i], toks[tid]), i, j))
        nq = len(qtoks)
        ne = len(tids)
        ua = 0
        ub = 0
        num = 0.0
        den = 0.0
        matched = 0
        poor = False
        aligned: list[tuple[int, int, float]] = []
        for phase in (0, 1):
            if phase:
                cands = []
                for i, j in deferred:
                    if ua >> i & 1 or ub >> j & 1:
                        continue
                    v = token_similarity(qtoks[i], toks[tids[j]], MIN_PAIR_SIM)[0]
                    if v >= MIN_PAIR_SIM:
                        lazy[i, j] = v
                        cands.append((*greedy_order(v, qtoks[i], toks[tids[j]]), i, j))
            cands.sort()
            for neg_v, _, _, _, i, j in cands:
                v = -neg_v
                if ua >> i & 1 or ub >> j & 1:
                    continue
                ua |= 1 << i
                ub |= 1 << j
                aligned.append((i, j, v))
                pn, pd = pair_terms(v, qtoks[i].weight + toks[tids[j]].weight, 2)
                num += pn
                den += pd
                matched += 1
                poor = poor or v < 0.9
        if not matched:
            return 0.0
        if nq != ne and matched < max(nq, ne) and (matched < min(nq, ne) or poor):
            etoks = [toks[t] for t in tids]
            for i, j in deferred:  # the general alignment looks at every pair
                if (i, j) not in lazy:
                    v = token_similarity(qtoks[i], toks[tids[j]], MIN_PAIR_SIM)[0]
                    if v >= MIN_PAIR_SIM:
                        lazy[i, j] = v

            def sim(i: int, j: int) -> tuple[float, str]:
                return sims[i].get(tids[j], lazy.get((i, j), 0.0)), ""

            return align(qtoks, etoks, sim)[0]
        rest_a = sum(t.weight for i, t in enumerate(qtoks) if not ua >> i & 1)
        rest_b = sum(toks[tid].weight for j, tid in enumerate(tids) if not ub >> j & 1)
        den += ALPHA * (rest_a + rest_b) + CONFLICT * 2 * min(rest_a, rest_b)
        if den <= 0:
            return 0.0

        def pair_sim(i: int, j: int) -> float:
            v = sims[i].get(tids[j], lazy.get((i, j)))
            return v if v is not None else token_similarity(qtoks[i], toks[tids[j]], MIN_PAIR_SIM)[0]

        return round(num / den * order_factor(aligned, pair_sim), 6)

    def _accumulator(self) -> np.ndarray:
        """Scratch per-entry score array reused by every search (kept zeroed between uses)."""
        n = len(self._entry_rec)
        if self._acc.shape[0] < n:
            self._acc = np.zeros(max(n, 2 * self._acc.shape[0], 1024), dtype=np.float32)
        return self._acc

    def _candidates(
        self, qtoks: Sequence[Token], sims: Sequence[dict[int, float]], floor: float, limit: int
    ) -> Iterable[int]:
        """Entry ids worth exact scoring for one query name."""
        prefix = self._prefix(qtoks, floor)
        lists = [(i, tid) for i in prefix for tid, sim in sims[i].items() if sim >= CAND_MIN_SIM]
        total = sum(len(self._postings[tid]) for _, tid in lists)
        if total <= _SMALL:
            seen: set[int] = set()
            for _, tid in lists:
                seen.update(self._postings[tid])
            return seen
        # Many candidates (common parts): approximate every candidate's score at C speed from
        # the prefix parts and the other parts' postings, then keep the best few for exact
        # scoring. Entries outside the prefix postings cannot reach the floor, so they are
        # only used to refine the order.
        in_prefix = set(prefix)
        toks = self._vocab.tokens
        ids: list[np.ndarray] = []
        vals: list[float] = []
        lens: list[int] = []
        for i, sm in enumerate(sims):
            wq = qtoks[i].weight
            for tid, sim in sm.items():
                plist = self._postings[tid]
                if sim < CAND_MIN_SIM or not plist or (i not in in_prefix and len(plist) > 4 * total):
                    continue
                ids.append(np.frombuffer(plist, dtype=np.int32))
                vals.append(sim * (wq + toks[tid].weight))
                lens.append(len(plist))
        all_ids = np.concatenate(ids)
        acc = self._accumulator()
        # An entry appears at most once per posting list, so a long list is added with one plain
        # fancy-index add (many times faster than np.add.at); runs of short lists go through one
        # add.at each. Lists are added in order, so every entry's sum is the same float32 sum.
        vals32 = np.asarray(vals, dtype=np.float32)
        run: list[int] = []
        for k in range(len(ids) + 1):
            if k < len(ids) and lens[k] < 256:
                run.append(k)
                continue
            if run:
                np.add.at(acc, np.concatenate([ids[j] for j in run]), np.repeat(vals32[run], [lens[j] for j in run]))
                run.clear()
            if k < len(ids):
                acc[ids[k]] += vals32[k]
        del ids  # release the buffer views before postings can grow again
        qw = sum(t.weight for t in qtoks)
        ew = np.frombuffer(self._entry_w, dtype=np.float32)[all_ids]
        approx = acc[all_ids] / (qw + ew)
        acc[all_ids] = 0.0
        approx[np.frombuffer(self._entry_rec, dtype=np.int32)[all_ids] < 0] = -1.0
        want = max(_SHORTLIST, 3 * limit)
        k = min(len(approx), 4 * want)  # an entry appears once per matching part
        top = np.argpartition(-approx, k - 1)[:k]
        top = top[np.argsort(-approx[top], kind="stable")]
        out: list[int] = []
        seen_ids: set[int] = set()
        for e in all_ids[top].tolist():
            if e not in seen_ids:
                seen_ids.add(e)
                out.append(e)
                if len(out) >= want:
                    break
        return out

    def search(
        self,
        names: Iterable[str],
        birth_date: str | None = None,
        nationalities: Iterable[str] | None = None,
        sex: str | None = None,
        limit: int = 10,
        min_score: float | None = None,
        explain: bool = True,
    ) -> list[Hit]:
        """Best matching persons, best first; each hit explains its score (when its `explanation`
        is first read).

        `min_score` is the lowest name score worth returning (default MIN_NAME_SCORE);
        explain=False gives hits without explanations (an empty dict).
        """
        floor = MIN_NAME_SCORE if min_score is None else min_score
        qdate = parse_date(birth_date)
        qnats = normalise_nationalities(list(nationalities or ()))
        qnames = [n for n in names if n and n.strip()]
        with self._lock:
            best: dict[int, tuple[float, int, int]] = {}  # rid -> (name score, query name idx, entry)
            for qi, qname in enumerate(qnames):
                qtoks = analyse_name(qname)
                if not qtoks:
                    continue
                sims = [self._similar(t) for t in qtoks]
                for eid in self._candidates(qtoks, sims, floor, limit):
                    rid = self._entry_rec[eid]
                    if rid < 0:
                        continue
                    s = self._entry_score(qtoks, sims, self._entry_tids(eid))
                    if s >= floor:
                        cur = best.get(rid)
                        if cur is None or s > cur[0]:
                            best[rid] = (s, qi, eid)
            scored: list[tuple[float, int]] = []
            for rid, (s, _, _) in best.items():
                rec = self._records[rid]
                assert rec is not None
                total, _ = combine(s, qdate, rec.birth, qnats, rec.nationalities, sex, rec.sex)
                scored.append((total, rid))
            scored.sort(key=lambda x: (-x[0], x[1]))
            hits: list[Hit] = []
            for total, rid in scored[:limit]:
                rec = self._records[rid]
                assert rec is not None
                if not explain:
                    hits.append(Hit(rec.record_id, total))
                    continue
                _, qi, eid = best[rid]
                name = rec.entry_names[rec.entries.index(eid)]
                hits.append(Hit(rec.record_id, total, make=self._explainer(rec, qnames[qi], name, qdate, qnats, sex)))
        return hits

    @staticmethod
    def _explainer(
        rec: _Record,
        qname: str,
        name: str,
        qdate: PartialDate | None,
        qnats: frozenset[str],
        sex: str | None,
    ) -> Callable[[], dict[str, Any]]:
        """How to explain a hit from its best (query name, record name) pair, when asked. Needs no
        lock: it reads only the record's immutable attributes captured at search time."""

        def explain() -> dict[str, Any]:
            r = compare(qname, name)
            _, agreement = combine(r.score, qdate, rec.birth, qnats, rec.nationalities, sex, rec.sex)
            return {
                "name_score": r.score,
                "name": r.to_dict(),
                "birth_date": {
                    "query": None if qdate is None else asdict(qdate),
                    "record": rec.birth_raw,
                    "agreement": agreement["birth_date"],
                },
                "nationality": {"record": sorted(rec.nationalities), "agreement": agreement["nationality"]},
                "sex": {"record": rec.sex, "agreement": agreement["sex"]},
                "threshold": DEFAULT_THRESHOLD,
            }

        return explain

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write a snapshot for a fast start."""
        with self._lock:
            state = {
                "version": _SNAPSHOT_VERSION,
                "vocab": self._vocab.state(),
                "postings": self._postings,
                "entry_rec": self._entry_rec,
                "tok_flat": self._tok_flat,
                "tok_start": self._tok_start,
                "entry_w": self._entry_w,
                "records": self._records,
                "dead": self._dead_entries,
            }
            with open(path, "wb") as fh:
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> PersonIndex:
        """Read a snapshot written by `save`."""
        with open(path, "rb") as fh:
            state = pickle.load(fh)
        if state.get("version") != _SNAPSHOT_VERSION:
            raise ValueError("unsupported PersonIndex snapshot version")
        idx = cls()
        idx._vocab = Vocabulary.from_state(state["vocab"])
        idx._postings = state["postings"]
        idx._entry_rec = state["entry_rec"]
        idx._tok_flat = state["tok_flat"]
        idx._tok_start = state["tok_start"]
        idx._entry_w = state["entry_w"]
        idx._records = state["records"]
        idx._dead_entries = state["dead"]
        idx._rid = {r.record_id: i for i, r in enumerate(idx._records) if r is not None}
        return idx
