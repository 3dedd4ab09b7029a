"""In-memory screening index over persons and their names.

Candidate generation works on the token vocabulary, which is far smaller than the record
count: a query part is compared with the vocabulary parts that share a phonetic key (or are
one edit away from sharing one), and only the records carrying those parts are scored. Rare
query parts alone can already decide whether a record could reach the minimum score, so the
postings of very common parts (Mohammed, Ali) are only read when a query has nothing rarer.
"""

from __future__ import annotations

import gc
import pickle
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from taawun.index.births import MERGE_AFTER, BirthIndex
from taawun.index.records import Record as _Record
from taawun.index.records import RecordTable
from taawun.index.vocab import Vocabulary
from taawun.names import DEFAULT_THRESHOLD, compare
from taawun.names.attributes import (
    PartialDate,
    combine,
    date_effects,
    lifting_births,
    lowest_name_score,
    mismatch_name_score,
    neutral_births,
    normalise_nationalities,
    pack_date,
    parse_date,
)
from taawun.names.joins import join_worth_trying
from taawun.names.pairing import DISAGREEMENT_WEIGHT, greedy_order, order_factor, pair_terms
from taawun.names.scoring import (
    ALPHA,
    CONFLICT,
    MERGE_MIN,
    MIN_PAIR_SIM,
    REPAIR_MIN,
    align,
)
from taawun.names.segment import segment
from taawun.names.similarity import INITIAL_SIM, token_similarity
from taawun.names.tokens import Token, analyse_part, merge_tokens

_SNAPSHOT_VERSION = 5  # 4: Token carries derived fields (key letter masks); 5: records and vocabulary in columns
MIN_NAME_SCORE = 0.6  # below this a name is not a candidate at all
CAND_MIN_SIM = 0.75  # parts this alike open candidates; weaker likenesses only refine exact scores
_SMALL = 80  # up to this many postings, score every candidate exactly
_LEVELS = (0.95, 0.9, 0.85, 0.8, CAND_MIN_SIM)  # similarity levels at which a query part's similar parts are read
_SHORTLIST = 30  # beyond it, rank candidates with numpy and score this many (or _PER_HIT * limit) exactly
_PER_HIT = 3  # ... and this many per hit asked for
_LEVELS_RISING = np.array(sorted(_LEVELS))
_LISTED_MAX = 20_000  # query parts whose similar-part arrays are kept
_PairTerms = tuple[float, float, float, float, float]  # an aligned pair's similarity, `pair_terms`, its parts' weights
_PAIR_FLOOR = DISAGREEMENT_WEIGHT * 2  # `pair_terms`' floor for a pair of two parts
_WIDTH = 6  # parts per entry held in the part matrix (longer names read the rest from the flat lists)
# a row of the entry matrix: its first _WIDTH part ids + 1, then the entry's total part weight (float32
# bits), its part count | (any part an initial) << 8, and its record's packed birth date
_COL_WEIGHT, _COL_SHAPE, _COL_BIRTH = _WIDTH, _WIDTH + 1, _WIDTH + 2
_ROW = _WIDTH + 3
_BLOCK_MIN = 128  # postings at least this long keep a copy of their entries' rows, in posting order
_BIRTH_SORT_MIN = 2048  # dated reads meet these postings' entries first (see `_dated`)


class _Listed(NamedTuple):
    """One query part's similar vocabulary parts, as the candidate search reads them."""

    sims: dict[int, float]  # the list itself (vocabulary id -> similarity), as `Vocabulary.similar` gave it
    # The arrays are typed Any, not np.ndarray: mypyc (compiled engine, taawun.compiled) fails at import
    # with KeyError 'ndarray' on a NamedTuple field of a numpy type.
    tids: Any  # its ids, in its order
    sims_at: Any  # their similarities
    rows: Any  # lookup rows (id + 1) of those that open candidates (>= CAND_MIN_SIM)
    values: Any  # and their (similarity * pair weight) + i * pair weight, complex128
    costs: dict[tuple[int, int], list[int]]  # postings read per level of _LEVELS, as of a postings generation


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


class PersonIndex:
    """Thread-safe (one RLock) index of persons for name screening."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._vocab = Vocabulary()
        self._by_part: dict[tuple[str, tuple[str, ...]], int] = {}  # segmented part -> token id
        self._postings: list[array] = []  # token id -> entry ids
        # token id -> len(self._postings[tid]), read in bulk by `_sources`; brought up to date on use
        # (`_posting_lengths`) as of this many entries and compactions
        self._lens = np.zeros(0, dtype=np.int64)
        self._lens_at = (0, 0)
        self._entry_rec: array = array("i")  # entry id -> internal record id (-1 = removed)
        # entry id -> its token ids, stored flat: tokens of entry e are
        # _tok_flat[_tok_start[e] : _tok_start[e + 1]] (a sentinel closes the last entry)
        self._tok_flat: array = array("i")
        self._tok_start: array = array("q", [0])
        self._entry_w: array = array("f")  # entry id -> total part weight
        self._records = RecordTable()  # internal record id -> the person (None: removed)
        # entry -> its record's birth date packed as year * 10000 + month * 100 + day (0: none): one read
        # per candidate
        self._entry_births = array("i")
        self._rid: dict[str, int] = {}
        self._dead_entries = 0
        self._compactions = 0
        self._lut = np.zeros(0, dtype=np.complex64)
        self._acc = np.zeros(0, dtype=np.float32)
        self._matrix = np.zeros((0, _ROW), dtype=np.int32)
        self._matrix_rows = 0
        self._blocks: dict[int, tuple[np.ndarray, int]] = {}  # long postings' rows in posting order, rows filled
        self._births: BirthIndex | None = None  # see `_dated`
        self._initials = np.zeros(0, dtype=np.bool_)
        self._weights = np.zeros(0, dtype=np.float64)
        self._listed_cache: dict[tuple[str, tuple[str, ...], float], _Listed] = {}

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
            packed = pack_date(parse_date(birth_date))
            first = len(self._tok_start) - 1
            made = bytearray(len(names_t))
            toks, postings = self._vocab.tokens, self._postings
            for k, name in enumerate(names_t):
                tids = self._part_ids(name)
                if not tids:
                    continue
                while len(postings) < len(toks):
                    postings.append(array("i"))
                eid = len(self._tok_start) - 1
                self._tok_flat.extend(tids)
                self._tok_start.append(len(self._tok_flat))
                self._entry_rec.append(rid)
                self._entry_births.append(packed)
                self._entry_w.append(sum([toks[t].weight for t in tids], 0.0))
                for tid in set(tids):
                    postings[tid].append(eid)
                made[k] = 1
            self._records.append(record_id, names_t, made, first, birth_date,
                                 normalise_nationalities(list(nationalities or ())), sex)
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

    def _query_tokens(self, name: str) -> tuple[Token, ...]:
        """`analyse_name(name)`, taking each part the index already holds from its vocabulary: a worker
        started from a snapshot has analysed none of them itself, and a traveller's parts are nearly all
        known (the analysis is the same but for `source`, which no score reads; explanations are made
        from the names' text)."""
        toks = self._vocab.tokens
        out = []
        for part in segment(name):
            tid = self._by_part.get((part.script, part.forms))
            out.append(toks[tid] if tid is not None else analyse_part(part))
        return tuple(out)

    def _entry_tids(self, eid: int) -> array:
        return self._tok_flat[self._tok_start[eid] : self._tok_start[eid + 1]]

    def remove(self, record_id: str) -> bool:
        """Remove a person; returns whether it was present."""
        with self._lock:
            rid = self._rid.pop(record_id, None)
            if rid is None:
                return False
            entries = self._records.entries(rid)
            self._records.discard(rid)
            for eid in entries:
                self._entry_rec[eid] = -1
            self._dead_entries += len(entries)
            if self._dead_entries > 1000 and self._dead_entries > len(self._entry_rec) // 3:
                self._compact()
            return True

    def _compact(self) -> None:
        """Drop removed entries from postings (called under the lock)."""
        for tid, plist in enumerate(self._postings):
            if plist:
                self._postings[tid] = array("i", (e for e in plist if self._entry_rec[e] >= 0))
        self._dead_entries = 0
        self._compactions += 1
        self._blocks.clear()  # their rows follow the postings' old order
        self._births = None  # it still lists the dropped entries

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
            self._prepare_blocks()
            self._lookup()

    @property
    def lock(self) -> threading.RLock:
        """The lock every read and change of the index takes: while a caller holds it, no other thread is
        inside the index (a process forked then gets a consistent copy to search)."""
        return self._lock

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
        """Query parts (by index) at least one of which a record above `floor` must match, if parts
        matched below CAND_MIN_SIM counted as unmatched."""
        order = sorted(range(len(qtoks)), key=lambda i: -qtoks[i].weight)
        rest = sum((t.weight for t in qtoks), 0.0)
        chosen: list[int] = []
        taken = 0.0
        for i in order:
            chosen.append(i)
            taken += qtoks[i].weight
            rest -= qtoks[i].weight
            if rest <= 0 or 2 * rest / (2 * rest + ALPHA * taken) < floor:
                break
        return chosen

    def _sources(self, qtoks: Sequence[Token], listed: Sequence[_Listed], floors: Sequence[float]
                 ) -> list[tuple[list[int], list[int] | None]]:
        """Per floor asked: vocabulary parts whose postings hold every entry that can reach it, chosen to be
        as few postings as the bound allows.

        If a record matches query part i with similarity below h_i, for every part in a chosen
        set, its score is below 1 - sum((1 - h_i) * w_i) / W (W the query's total weight; a part
        left unmatched, or matched below the listed similarities, only lowers it further, since
        a match of at least CAND_MIN_SIM, 0.75, adds more to the score's numerator than an
        omission's ALPHA / 2 to its denominator; the same reading of weights as the query's as
        `_entry_score` uses for its ranking). So the records that can reach `floor` are among
        the postings of the parts similar to some chosen part i at h_i or more, whenever the
        chosen "slack" sum((1 - h_i) * w_i) exceeds (1 - floor) * W. Each part offers a few
        levels h (a higher level lists fewer, closer spellings but buys less slack); the
        cheapest combination in postings read is found over the Pareto front of (slack, cost).
        A rare part often decides alone (Maan in Mohammed Maan); a common one is read only at
        the close spellings the bound needs. When no combination suffices (a low floor), every
        listed similar part could be a source; then the sources are those of `_prefix`, which
        treats a part matched below the listed similarities as unmatched (a general search at a low
        floor ranks likely names; it does not promise every weak one).
        """
        total = sum((t.weight for t in qtoks), 0.0)
        most = (1.0 - min(floors)) * total + 1e-9  # the slack the lowest floor needs
        generation = (len(self._entry_rec), self._compactions)  # postings change only by these
        # per part: options (slack, cost, level), cumulative from the highest level down
        front: list[tuple[float, int, tuple[tuple[int, float], ...]]] = [(0.0, 0, ())]
        for i, part in enumerate(listed):
            tids, sims = part.tids, part.sims_at
            w = qtoks[i].weight
            if qtoks[i].is_initial or w <= 0:
                continue
            by_level = part.costs.get(generation)
            if by_level is None:  # postings read per level: each similar part counts at the highest level it reaches
                lens = self._posting_lengths().take(tids)
                level = len(_LEVELS) - np.searchsorted(_LEVELS_RISING, sims, side="right")
                counted = np.bincount(level, weights=lens, minlength=len(_LEVELS) + 1)[: len(_LEVELS)]
                by_level = counted.astype(np.int64).tolist()
                part.costs.clear()
                part.costs[generation] = by_level
            options: list[tuple[float, int, float]] = []
            cost = 0
            for k, h in enumerate(_LEVELS):
                cost += by_level[k]
                if options and options[-1][1] == cost:  # a lower level at no extra cost: more slack, same price
                    options[-1] = ((1.0 - h) * w, cost, h)
                else:
                    options.append(((1.0 - h) * w, cost, h))
            # (cost, -slack, order made, slack, levels): sorted as is, cheapest first, ties in the order made
            grown = [(c, -slack, n, slack, chosen) for n, (slack, c, chosen) in enumerate(front)]
            for slack, c, chosen in front:
                for ds, dc, h in options:
                    grown.append((c + dc, -(slack + ds), len(grown), slack + ds, (*chosen, (i, h))))
            grown.sort()
            front = []
            for c, _, _, slack, chosen in grown:  # keep only combinations that buy more slack than every cheaper one
                if not front or slack > front[-1][0] + 1e-12:
                    front.append((slack, c, chosen))
                    if slack > most:  # enough for every floor: what costs more, and all it leads to, is never chosen
                        break
        out: list[tuple[list[int], list[int] | None]] = []
        for floor in floors:  # the front does not depend on the floor: one per query serves every floor asked
            need = (1.0 - floor) * total
            chosen_levels: tuple[tuple[int, float], ...] | None = None
            for slack, _, chosen in front:  # by rising cost
                if slack > need + 1e-9:
                    chosen_levels = chosen
                    break
            prefix = None
            if chosen_levels is None:
                prefix = self._prefix(qtoks, floor)
                chosen_levels = tuple((i, CAND_MIN_SIM) for i in prefix)
            chosen_tids = [listed[i].tids[listed[i].sims_at >= h] for i, h in chosen_levels]
            out.append(([tid for tids in chosen_tids for tid in tids.tolist()], prefix))
        return out

    def _entry_score(self, qtoks: Sequence[Token], sims: Sequence[dict[int, float]], tids: Sequence[int],
                     floor: float = 0.0) -> float:
        """Exact name score of one entry, from the part similarities computed for the query; a score
        below `floor` may come back as any value below it (the caller drops it either way).

        A lean greedy alignment on precomputed similarities; the general `align` (which can
        also join two parts into one) runs only when that could change the result, and lift it
        to the floor.
        """
        toks = self._vocab.tokens
        etoks = [toks[tid] for tid in tids]
        q_w = [t.weight for t in qtoks]
        e_w = [t.weight for t in etoks]
        cands: list[tuple[float, float, str, str, int, int]] = []
        lazy: dict[tuple[int, int], float] = {}
        # Pairs not listed for a non-initial query part are below CAND_MIN_SIM, hence below every
        # listed pair: the greedy alignment reaches them only after all listed pairs, and only those
        # whose two parts are both still free can be taken. So they are scored (exactly, cached per
        # pair) only then: the same alignment, for a fraction of the scoring.
        deferred: list[tuple[int, int]] = []
        for i, sm in enumerate(sims):
            q = qtoks[i]
            eager = q.is_initial  # an initial's unlisted pairs may score high (it stands for any part)
            for j, tid in enumerate(tids):
                v = sm.get(tid)
                if v is None:
                    if not eager:
                        deferred.append((i, j))
                        continue
                    v = token_similarity(q, etoks[j], MIN_PAIR_SIM)[0]
                    if v < MIN_PAIR_SIM:
                        continue
                    lazy[i, j] = v
                cands.append((*greedy_order(v, q, etoks[j]), i, j))
        nq = len(qtoks)
        ne = len(tids)
        ua = 0
        ub = 0
        num = 0.0
        den = 0.0
        matched = 0
        poor = False
        aligned: list[tuple[int, int, float]] = []
        rest_a = rest_b = 0.0
        for phase in (0, 1):
            if phase:
                # Every pair still to come is unlisted: its similarity is below CAND_MIN_SIM. Pairing two
                # left-over parts of total weight w at similarity s < CAND_MIN_SIM adds s * w to the
                # numerator and at least (1 - ALPHA) * w to the denominator (they no longer count as left
                # over), which lifts a ratio of at most 1 the more, the more weight is paired. So the
                # heaviest parts that could still pair, taken at CAND_MIN_SIM, bound the score; and
                # `_join_may_help`, with every left-over part so credited, bounds the joins. When
                # neither reaches the floor, the unlisted pairs need not be scored.
                free_a = [w for i, w in enumerate(q_w) if not ua >> i & 1]
                free_b = [w for j, w in enumerate(e_w) if not ub >> j & 1]
                rest_a = sum(free_a, 0.0)
                rest_b = sum(free_b, 0.0)
                k = min(len(free_a), len(free_b))
                added = matched
                if not k:
                    break  # no pair is left to take: the alignment is complete
                if k < len(free_a):
                    free_a.sort()
                    del free_a[:-k]
                if k < len(free_b):
                    free_b.sort()
                    del free_b[:-k]
                paired = sum(free_a, 0.0) + sum(free_b, 0.0)
                low = den + ALPHA * (rest_a + rest_b) + (1.0 - ALPHA) * paired
                if low > 0:
                    top = (num + CAND_MIN_SIM * paired) / low
                    if top < floor - 1e-6 and (
                        nq == ne or not self._join_may_help(qtoks, etoks, aligned, floor, rest_sim=CAND_MIN_SIM)
                    ):
                        return round(top, 6)
                cands = []
                for i, j in deferred:
                    if ua >> i & 1 or ub >> j & 1:
                        continue
                    v = token_similarity(qtoks[i], etoks[j], MIN_PAIR_SIM)[0]
                    if v >= MIN_PAIR_SIM:
                        lazy[i, j] = v
                        cands.append((*greedy_order(v, qtoks[i], etoks[j]), i, j))
            cands.sort()
            for neg_v, _, _, _, i, j in cands:
                if ua >> i & 1 or ub >> j & 1:
                    continue
                v = -neg_v
                ua |= 1 << i
                ub |= 1 << j
                aligned.append((i, j, v))
                # (`pair_terms` of two parts, inline: the same arithmetic)
                w = q_w[i] + e_w[j]
                num += v * w
                den += w if v >= 1.0 or w >= _PAIR_FLOOR else w + (1.0 - v) * (_PAIR_FLOOR - w)
                matched += 1
                if v < 0.9:
                    poor = True
        if not matched:
            return 0.0
        if matched != added:  # unlisted pairs were taken: fewer parts are left over
            rest_a = sum((w for i, w in enumerate(q_w) if not ua >> i & 1), 0.0)
            rest_b = sum((w for j, w in enumerate(e_w) if not ub >> j & 1), 0.0)
        den += ALPHA * (rest_a + rest_b) + CONFLICT * 2 * min(rest_a, rest_b)
        if den <= 0:
            return 0.0

        base = num / den
        # `align` tries a join only where the names differ in length, a part of the longer is left
        # over, and a part of the shorter is unmatched or matched poorly
        no_join = nq == ne or matched >= max(nq, ne) or (matched >= min(nq, ne) and not poor)
        rounded = round(base, 6)
        if rounded < floor and (no_join or not self._join_may_help(qtoks, etoks, aligned, floor)):
            return rounded  # the order factor only lowers it: no need to work it out
        if matched == 1:
            greedy = rounded  # one pair is always in order (`order_factor`)
        else:
            def pair_sim(i: int, j: int) -> float:
                v = sims[i].get(tids[j], lazy.get((i, j)))
                return v if v is not None else token_similarity(qtoks[i], etoks[j], MIN_PAIR_SIM)[0]

            greedy = round(base * order_factor(aligned, pair_sim), 6)
        if (
            no_join
            or greedy < REPAIR_MIN  # `align` only tries joins from there on
            or not self._join_may_help(qtoks, etoks, aligned, max(greedy, floor))
        ):
            return greedy
        for i, j in deferred:  # the general alignment looks at every pair
            if (i, j) not in lazy:
                v = token_similarity(qtoks[i], etoks[j], MIN_PAIR_SIM)[0]
                if v >= MIN_PAIR_SIM:
                    lazy[i, j] = v

        def sim(i: int, j: int) -> tuple[float, str]:
            return sims[i].get(tids[j], lazy.get((i, j), 0.0)), ""

        return align(qtoks, etoks, sim)[0]

    @staticmethod
    def _join_may_help(qtoks: Sequence[Token], etoks: Sequence[Token], aligned: Sequence[tuple[int, int, float]],
                       bar: float, rest_sim: float | None = None) -> bool:
        """Whether `align`'s merge repair could reach `bar` (the greedy score, or the caller's floor when
        that is higher): it replaces the pairs of one part of the shorter name and two adjacent parts of
        the longer one by one joined pair. With the order factor taken as 1 (it can only lower a score),
        each such alternative's score is plain arithmetic on the weights and the joined pair's
        similarity, so the similarity it needs to reach the bar is known before the joined parts are
        analysed (the costly part). Most joins are then settled by `joined_similarity_estimate` (a part
        that shares next to nothing with the two parts together); the few left are analysed and
        compared exactly, as `align` would, and `align` runs only if one reaches the bar.

        With `rest_sim`, the joins built on an alignment that pairs below `rest_sim` may still extend
        (the listed pairs alone, before the unlisted ones are added) are bounded: as many of the
        heaviest parts left over on each side as could still pair are credited as if paired at
        `rest_sim` at no shortfall, the most such pairs could add (see `_entry_score`)."""
        if len(qtoks) < len(etoks):
            short, long = qtoks, etoks
            pairs = aligned
        else:
            short, long = etoks, qtoks
            pairs = [(j, i, v) for i, j, v in aligned]
        short_w = [t.weight for t in short]
        long_w = [t.weight for t in long]
        all_s = sum(short_w, 0.0)
        all_l = sum(long_w, 0.0)
        # each pair's terms, worked out once: a join takes the pairs of the parts it joins (at most two)
        # out of the sums over all of them
        by_short: dict[int, _PairTerms] = {}
        by_long: dict[int, _PairTerms] = {}
        # the long part each short part is paired with: whether two of the terms are one pair's is asked of it,
        # not of the tuples' identity (mypyc, `taawun.compiled`, boxes a tuple anew for each dict it goes in)
        partner: dict[int, int] = {}
        all_n = all_d = all_ws = all_wl = 0.0
        for a, b, v in pairs:
            ws = short_w[a]
            wl = long_w[b]
            n, d = pair_terms(v, ws + wl, 2)
            by_short[a] = by_long[b] = (v, n, d, ws, wl)
            partner[a] = b
            all_n += n
            all_d += d
            all_ws += ws
            all_wl += wl
        if rest_sim is not None:  # the parts that unlisted pairs may still take, heaviest first
            open_s = sorted(((short_w[a], a) for a in range(len(short_w)) if a not in by_short), reverse=True)
            open_l = sorted(((long_w[b], b) for b in range(len(long_w)) if b not in by_long), reverse=True)
        disagreement = DISAGREEMENT_WEIGHT * 3  # `_score`: a joined pair is three parts
        for j in range(len(long_w) - 1):
            j1 = j + 1
            at_j = by_long.get(j)
            jb = j  # the part of the two that at_j is paired with
            if at_j is None:
                at_j = by_long.get(j1)
                jb = j1
            elif j1 in by_long:
                continue  # `_merge_repair` skips it
            if long[j].script != long[j1].script:
                continue  # `merge_tokens` gives nothing across scripts
            for i in range(len(short_w)):
                at_i = by_short.get(i)
                had = 0.0
                num = all_n
                den = all_d
                used_s = all_ws
                used_l = all_wl
                if at_i is not None:
                    had = at_i[0]
                    if had >= 0.9:
                        continue
                    num -= at_i[1]
                    den -= at_i[2]
                    used_s -= at_i[3]
                    used_l -= at_i[4]
                if at_j is not None and partner.get(i) != jb:  # (at_j is not at_i)
                    num -= at_j[1]
                    den -= at_j[2]
                    used_s -= at_j[3]
                    used_l -= at_j[4]
                rest_s = all_s - used_s - short_w[i]
                rest_l = all_l - used_l - long_w[j] - long_w[j1]
                den += ALPHA * (rest_s + rest_l)
                if rest_sim is None:
                    den += CONFLICT * 2 * min(rest_s, rest_l)
                else:
                    ws_open = [w for w, a in open_s if a != i]
                    wl_open = [w for w, b in open_l if b != j and b != j1]
                    k = min(len(ws_open), len(wl_open))
                    if k:
                        paired = sum(ws_open[:k], 0.0) + sum(wl_open[:k], 0.0)
                        num += rest_sim * paired
                        den += (1.0 - ALPHA) * paired
                # the joined pair at similarity s adds (s * J, J + (1 - s) * D) (`pair_terms`), so the
                # alternative reaches the bar from s = need on
                joined = short_w[i] + long_w[j] + long_w[j1]
                short_of = disagreement - joined if disagreement > joined else 0.0
                need = (bar * (den + joined + short_of) - num) / (joined + bar * short_of)
                if need > 1.0 + 1e-6:
                    continue
                need = max(need - 1e-6, MERGE_MIN, had + 1e-9)
                if not join_worth_trying(short[i], long[j], long[j1], need):
                    continue
                merged = merge_tokens(long[j], long[j1])
                if merged is not None and token_similarity(short[i], merged, MERGE_MIN)[0] >= need:
                    return True
        return False

    def _dated(self, sources: Sequence[int], ranges: Sequence[tuple[int, int]]) -> np.ndarray:
        """The entries in these parts' postings whose record's birth date is in `ranges` (half-open ranges of
        packed dates, ascending: those that agree with the query's date, `lifting_births`, or neither agree
        nor disagree, `neutral_births`), each once per source it has. They come in source order (long
        postings first, those of _BIRTH_SORT_MIN entries or more before the others), each source's in
        posting order: the order in which ties of the ranking have always been met."""
        long, short = self._split_sources(sources)
        postings = self._postings
        order = [tid for tid in long if len(postings[tid]) >= _BIRTH_SORT_MIN]
        order += [tid for tid in long if len(postings[tid]) < _BIRTH_SORT_MIN] + short
        ids, ranks = self._birth_index().born_in(order, ranges, self._tok_flat, self._tok_start,
                                                 self._entry_births, len(self._postings))
        return ids.take(np.argsort(ranks.astype(np.int64) << 32 | ids))

    def _birth_index(self) -> BirthIndex:
        """The (part, birth date) index of the dated reads, made on first use after a load or a compaction and
        kept up to date with the entries added since (`BirthIndex`)."""
        births = self._births
        if births is None:
            births = self._births = BirthIndex.of_postings(self._postings, self._entry_births,
                                                           len(self._tok_start) - 1)
        elif births.pending(self._tok_start) > MERGE_AFTER:
            births = self._births = births.merged(self._tok_flat, self._tok_start, self._entry_births)
        return births

    def _candidates(
        self, qtoks: Sequence[Token], sims: Sequence[dict[int, float]], floor: float, limit: int,
        qdate: PartialDate | None = None, undated_floor: float | None = None, mismatch_floor: float | None = None,
    ) -> Iterable[int]:
        """Entry ids worth exact scoring for one query name.

        Only entries in the postings of the source parts can reach the floor (`_sources`), so they
        are the candidates. A screening's floor depends on how its query's birth date meets the
        record's: an agreeing date lifts a weaker name to the threshold (`floor`), no date or a year
        apart leaves it (`undated_floor`), and a disagreeing one lowers it (`mismatch_floor`, above 1 at
        the screening threshold: no name gets there). So each floor's sources are read for the records
        it applies to only: the agreeing and the neutral records by birth date (`_dated`), and every
        record only if a disagreeing date can still reach the threshold. A dated screening thus reads
        the few namesakes of a common name born when the traveller says, not all of them. When the
        candidates are many (common parts), each is ranked by an approximate score read from its own
        parts (one dense lookup of every vocabulary part's weighted similarity to the query, gathered
        at C speed), and the best few are scored exactly; the query's birth date moves the ranking as
        it will move the final scores (a common name's right holder ranks up among its namesakes).
        Reading the candidates' parts costs as much as the candidates; scattering the postings of every
        similar part (the other way round) would cost as much as the postings of the query's commonest
        parts, which at a million persons are far longer.
        """
        if undated_floor is None:
            undated_floor = floor
        with_date = qdate is not None and floor < undated_floor
        listed = [self._listed(tok, sm) for tok, sm in zip(qtoks, sims, strict=True)]
        dated: np.ndarray | None = None
        if with_date:
            assert qdate is not None
            if mismatch_floor is None:
                mismatch_floor = undated_floor
            reachable = mismatch_floor <= 1.0
            floors = (undated_floor, floor, mismatch_floor) if reachable else (undated_floor, floor)
            chosen = self._sources(qtoks, listed, floors)
            sources, prefix = chosen[2] if reachable else ([], None)
            # one read for both: the agreeing dates' floor is the lower, so its sources are nearly always
            # a superset of the neutral dates' (the few records each adds are candidates all the same)
            ranges = sorted(lifting_births(qdate) + neutral_births(qdate))
            dated = self._dated(sorted(set(chosen[1][0]) | set(chosen[0][0])), ranges)
        else:
            sources, prefix = self._sources(qtoks, listed, (undated_floor,))[0]
        lists = [self._postings[tid] for tid in sources]
        total = sum(len(p) for p in lists) + (0 if dated is None else len(dated))
        # A few candidates are all scored exactly; a dated read's are still ranked and bounded, however few:
        # most are namesakes born that day whose names the bound rules out without their exact scoring.
        if total <= (_SMALL if dated is None else 0):
            seen: set[int] = set()
            for plist in lists:
                seen.update(plist)
            if dated is not None:
                seen.update(dated.tolist())
            return seen
        want = max(_SHORTLIST, _PER_HIT * limit)
        if prefix is not None and dated is None:  # a low floor: most of the query's similar parts are sources
            cand, approx = self._scattered(qtoks, sims, set(prefix), total, qdate)
        else:
            cand, approx = self._gathered(qtoks, listed, sources, dated, qdate, floor, undated_floor,
                                          mismatch_floor)
        k = min(len(approx), 4 * want)  # an entry appears once per source part it has
        top = np.argpartition(-approx, k - 1)[:k]
        top = top[np.argsort(-approx[top], kind="stable")]
        out: list[int] = []
        seen_ids: set[int] = set()
        for e in cand[top[approx[top] >= 0]].tolist():
            if e not in seen_ids:
                seen_ids.add(e)
                out.append(e)
                if len(out) >= want:
                    break
        return out

    def _scattered(self, qtoks: Sequence[Token], sims: Sequence[dict[int, float]], prefix: set[int], total: int,
                   qdate: PartialDate | None) -> tuple[np.ndarray, np.ndarray]:
        """Candidates of a low floor and their approximate scores, by adding every similar part's
        weighted similarity into per-entry accumulators along its postings (a plain fancy-index add
        per long list, one add.at per run of short ones). At a low floor the sources are nearly all
        of the query's similar parts, so walking their postings in order costs less than reading
        each candidate's parts. Lists of parts outside the prefix longer than 4x the candidates only
        refine the order and are skipped."""
        toks = self._vocab.tokens
        ids: list[np.ndarray] = []
        vals: list[tuple[float, float]] = []
        lens: list[int] = []
        for i, sm in enumerate(sims):
            wq = qtoks[i].weight
            for tid, sim in sm.items():
                plist = self._postings[tid]
                if sim < CAND_MIN_SIM or not plist or (i not in prefix and len(plist) > 4 * total):
                    continue
                ids.append(np.frombuffer(plist, dtype=np.int32))
                w = wq + toks[tid].weight
                vals.append((sim * w, w))
                lens.append(len(plist))
        all_ids = np.concatenate(ids)
        acc = self._accumulator()
        sums = np.empty((len(all_ids), 2), dtype=np.float32)
        for col in (0, 1):  # one column at a time: a 1-d fancy-index add is several times faster
            vals32 = np.asarray([v[col] for v in vals], dtype=np.float32)
            run: list[int] = []
            for k in range(len(ids) + 1):
                if k < len(ids) and lens[k] < 256:
                    run.append(k)
                    continue
                if run:
                    np.add.at(acc, np.concatenate([ids[j] for j in run]),
                              np.repeat(vals32[run], [lens[j] for j in run]))
                    run.clear()
                if k < len(ids):
                    acc[ids[k]] += vals32[k]
            sums[:, col] = acc[all_ids]
            acc[all_ids] = 0.0
        del ids  # release the buffer views before postings can grow again
        total_w = self._total_weights(qtoks, all_ids)
        rest = np.maximum(total_w - sums[:, 1], 0.0)
        return all_ids, self._approx(all_ids, sums[:, 0], sums[:, 1], rest, self._date_effects(qdate, all_ids))

    def _total_weights(self, qtoks: Sequence[Token], cand: np.ndarray) -> np.ndarray:
        """Per candidate: the query's and the entry's part weights together."""
        return sum((t.weight for t in qtoks), 0.0) + np.frombuffer(self._entry_w, dtype=np.float32).take(cand)

    def _date_effects(self, qdate: PartialDate | None, cand: np.ndarray) -> np.ndarray | None:
        """Per candidate: how its record's birth date moves a score (`combine`); None without a query date."""
        if qdate is None:
            return None
        return date_effects(qdate, np.frombuffer(self._entry_births, dtype=np.int32).take(cand))

    def _approx(self, cand: np.ndarray, weighted: np.ndarray, matched: np.ndarray, rest: np.ndarray,
                effect: np.ndarray | None) -> np.ndarray:
        """Approximate scores from each candidate's weighted similarity and weight over its listed pairs,
        in the score's shape (matched weight in full, the rest left over on either side at ALPHA),
        moved by the birth date as `combine` will move it; removed entries get -1."""
        approx = weighted / np.maximum(matched + ALPHA * rest, 1e-9)
        if effect is not None:  # among many alike names, the one born that day is the likely one
            approx = np.where(effect >= 0, approx + (1 - approx) * effect, approx * (1 + effect))
        if self._dead_entries:  # only then can postings still hold removed entries (`_compact`)
            approx[np.frombuffer(self._entry_rec, dtype=np.int32).take(cand) < 0] = -1.0
        return approx

    def _accumulator(self) -> np.ndarray:
        """Scratch per-entry sums reused by every search (kept zeroed between uses)."""
        n = len(self._entry_rec)
        if self._acc.shape[0] < n:
            self._acc = np.zeros(max(n, 2 * self._acc.shape[0], 1024), dtype=np.float32)
        return self._acc

    def _gathered(self, qtoks: Sequence[Token], listed: Sequence[_Listed], sources: Sequence[int],
                  dated: np.ndarray | None, qdate: PartialDate | None, floor: float, undated_floor: float,
                  mismatch_floor: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Candidates of the bound's sources and their approximate scores, from each candidate's own
        parts (one dense lookup of every vocabulary part's weighted similarity to the query, read
        through the entries' padded part matrix); names whose exact score provably cannot reach what
        they need get -1."""
        matrix = self._part_matrix()
        long, short = self._split_sources(sources)
        ids = [np.frombuffer(self._postings[tid], dtype=np.int32) for tid in long]
        pieces = [self._posting_rows(tid, matrix) for tid in long]
        if short:
            ids.append(self._joined_postings(short))
            pieces.append(matrix.take(ids[-1], axis=0))
        if dated is not None:
            ids.append(dated)
            pieces.append(matrix.take(dated, axis=0))
        cand = np.concatenate(ids) if len(ids) > 1 else ids[0]
        rows = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        del pieces, ids
        lookup = self._lookup()
        touched = self._fill_lookup(lookup, listed)
        # per candidate: (sim * weight, weight) over its listed pairs, as one complex sum over its matrix
        # row; `take` and a sum written out per column run several times faster than fancy indexing
        # and a reduction over the short axis
        shape = rows[:, _COL_SHAPE]
        lens = shape & 255
        summed = lookup.take(rows[:, 0])
        for col in range(1, min(_WIDTH, int(lens.max()))):  # columns past the longest name only pad
            summed += lookup.take(rows[:, col])
        wide = np.flatnonzero(lens > _WIDTH)
        if len(wide):  # names of more parts than the matrix holds: the rest from the flat lists
            self._add_beyond_width(summed, cand, wide, lookup)
        lookup[touched] = 0.0
        weighted, matched = summed.real, summed.imag
        total_w = sum((t.weight for t in qtoks), 0.0) + rows[:, _COL_WEIGHT].view(np.float32)
        effect = None if qdate is None else date_effects(qdate, np.ascontiguousarray(rows[:, _COL_BIRTH]))
        del rows
        rest = np.maximum(total_w - matched, 0.0)
        approx = self._approx(cand, weighted, matched, rest, effect)
        lowest: np.ndarray | np.float32 = np.float32(floor)  # the name score each candidate needs
        if effect is not None and undated_floor > floor:  # where the date does not help, the undated floor,
            # and where it disagrees, the higher one that takes (`_candidates`)
            lowest = np.where(effect > 0, np.float32(floor), np.float32(undated_floor))
            if mismatch_floor is not None and mismatch_floor > undated_floor:
                lowest[effect < 0] = np.float32(mismatch_floor)
        # A bound of the exact score of the names that no join can change (as many parts as the
        # query): its unlisted pairs are below CAND_MIN_SIM (below INITIAL_SIM where an initial
        # takes part), so at best the leftover weight pairs at that, and the rest only lowers it
        # (see `_entry_score`). Names that cannot reach what they need are not scored.
        if any(t.is_initial for t in qtoks):
            unlisted: np.ndarray | float = INITIAL_SIM
        else:
            unlisted = np.where(shape >> 8 != 0, INITIAL_SIM, CAND_MIN_SIM)
        bound = (weighted + unlisted * rest) / np.maximum(total_w, 1e-9)
        approx[(lens == len(qtoks)) & (bound < lowest - 1e-6)] = -1.0
        return cand, approx

    def _posting_lengths(self) -> np.ndarray:
        """Per vocabulary part: the length of its postings, for pricing the sources and splitting them into long
        and short ones (`_split_sources`: a count off there would drop a posting). Counted from the entries
        added since the last call (an entry is in the postings of each of its distinct parts) rather than
        kept by `add`, where a counter per part cost 5-8% of a bulk load; made afresh after a compaction or
        when most entries are new (a bulk load's first query)."""
        entries = len(self._tok_start) - 1
        done, compactions = self._lens_at
        if compactions != self._compactions or (entries - done) * 4 > entries:
            self._lens = np.fromiter(map(len, self._postings), dtype=np.int64, count=len(self._postings))
        elif done < entries or len(self._lens) < len(self._postings):
            grown = np.zeros(len(self._postings), dtype=np.int64)
            grown[: len(self._lens)] = self._lens
            starts = np.frombuffer(self._tok_start, dtype=np.int64)[done : entries + 1]
            parts = np.frombuffer(self._tok_flat, dtype=np.int32)[starts[0] : starts[-1]].astype(np.int64)
            owner = np.repeat(np.arange(entries - done, dtype=np.int64), np.diff(starts))
            distinct = np.unique(owner << 32 | parts) & 0xFFFFFFFF  # each (entry, part) once
            grown += np.bincount(distinct, minlength=len(grown))
            self._lens = grown
            del starts, parts
        self._lens_at = (entries, self._compactions)
        return self._lens

    def _split_sources(self, sources: Sequence[int]) -> tuple[list[int], list[int]]:
        """Source parts with long postings (their rows kept, `_posting_rows`) and the non-empty rest, whose
        entries are read together: a screening's sources are mostly short postings (a few dozen of them),
        and one gather for all of them costs less than one each."""
        src = np.asarray(sources, dtype=np.int64)
        lens = self._posting_lengths().take(src)  # (read in bulk: a dated read has ~70 sources)
        return src[lens >= _BLOCK_MIN].tolist(), src[(lens > 0) & (lens < _BLOCK_MIN)].tolist()

    def _joined_postings(self, tids: Sequence[int]) -> np.ndarray:
        """These parts' postings, one after the other, as one array (joined in one C call)."""
        return np.frombuffer(b"".join([self._postings[tid] for tid in tids]), dtype=np.int32)

    def _listed(self, tok: Token, sm: dict[int, float]) -> _Listed:
        """A query part's similar vocabulary parts as arrays, and its rows of the ranking's lookup; kept
        per query part while its list is the same object (`Vocabulary.similar` returns a new one once
        parts are added), since travellers' names repeat their parts."""
        key = (tok.script, tok.forms, tok.weight)
        hit = self._listed_cache.get(key)
        if hit is not None and hit.sims is sm:
            return hit
        tids = np.fromiter(sm.keys(), dtype=np.int64, count=len(sm))
        sim = np.fromiter(sm.values(), dtype=np.float64, count=len(sm))
        keep = sim >= CAND_MIN_SIM
        w = tok.weight + self._token_weights().take(tids[keep])
        vals = np.empty(len(w), dtype=np.complex128)
        vals.real = sim[keep] * w
        vals.imag = w
        made = _Listed(sm, tids, sim, tids[keep] + 1, vals, {})
        if len(self._listed_cache) >= _LISTED_MAX:
            self._listed_cache.clear()
        self._listed_cache[key] = made
        return made

    @staticmethod
    def _fill_lookup(lookup: np.ndarray, listed: Sequence[_Listed]) -> np.ndarray:
        """Writes each listed vocabulary part's (similarity * weight, weight) summed over the query parts
        that list it into `lookup` (row tid + 1), with arrays rather than a Python loop over the few
        hundred listed pairs; returns the rows written, for the caller to zero again."""
        parts = [part for part in listed if len(part.rows)]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if PersonIndex._fill_apart(lookup, parts):
            return np.concatenate([part.rows for part in parts])
        # a part listed by several query parts: its values added in query-part order
        tids = np.concatenate([part.rows for part in parts])
        vals = np.concatenate([part.values for part in parts])
        order = np.argsort(tids, kind="stable")
        tids, vals = tids[order], vals[order]
        first = np.flatnonzero(np.r_[True, tids[1:] != tids[:-1]])
        tids, vals = tids[first], np.add.reduceat(vals, first)
        lookup[tids] = vals.astype(np.complex64)
        return tids

    @staticmethod
    def _fill_apart(lookup: np.ndarray, parts: Sequence[_Listed]) -> bool:
        """Writes each query part's listed values in turn, as long as no vocabulary part is listed by two of
        them (nearly always): then there is nothing to add up, and the sort that finds what to add costs
        most of the fill. False (with what was written left for the caller to overwrite) on the first part
        listed twice. (Every value is non-zero: its imaginary part is a weight.)"""
        for k, part in enumerate(parts):
            if k and lookup.take(part.rows).any():
                return False
            lookup[part.rows] = part.values.astype(np.complex64)
        return True

    def _token_weights(self) -> np.ndarray:
        """Per vocabulary part: its weight (fixed when it is analysed), as an array extended on use."""
        self._weights = self._per_token(self._weights, lambda t: t.weight)
        return self._weights

    def _per_token(self, column: np.ndarray, value: Callable[[Token], Any]) -> np.ndarray:
        """`column` (one value per vocabulary part, fixed when the part is analysed) extended to the parts
        interned since it was made."""
        toks = self._vocab.tokens
        have = column.shape[0]
        if have == len(toks):
            return column
        return np.concatenate([column, np.array([value(t) for t in toks[have:]], dtype=column.dtype)])

    def _add_beyond_width(self, summed: np.ndarray, cand: np.ndarray, wide: np.ndarray, lookup: np.ndarray) -> None:
        """Adds the lookup values of the parts past the matrix's width to these candidates' sums, in place."""
        starts = np.frombuffer(self._tok_start, dtype=np.int64)
        first = starts.take(cand.take(wide)) + _WIDTH
        counts = starts.take(cand.take(wide) + 1) - first
        offsets = np.r_[0, np.cumsum(counts)[:-1]]
        at = np.repeat(first - offsets, counts) + np.arange(int(counts.sum()))
        parts = np.frombuffer(self._tok_flat, dtype=np.int32).take(at)
        summed[wide] += np.add.reduceat(lookup.take(parts + 1), offsets)
        del starts

    def _part_matrix(self) -> np.ndarray:
        """Per entry one row (see _ROW): its first _WIDTH part ids plus one (0 pads a shorter name), its
        weight, part count, whether a part is an initial, and its record's birth date. A candidate is
        then one row, read with every other candidate's in one gather, instead of a walk of the flat
        lists and four more per-entry arrays. Derived from those and extended on use to the entries
        added since (entries are only ever appended, and never change)."""
        n = len(self._tok_start) - 1
        have = self._matrix_rows
        if have < n:
            if self._matrix.shape[0] < n:
                # A live index grows by a few rows at a time, so it is given room: a quarter more when it grows,
                # an eighth more when it is first made. Rows no entry has reached are pages never touched
                # (np.zeros maps them lazily): they cost no memory, and the first persons created after a
                # worker starts do not copy the whole matrix (~100 MB at 1M persons: 0.4-0.6 s on that screening).
                size = max(n + n // 8, self._matrix.shape[0] * 5 // 4, 1024)
                grown = np.zeros((size, _ROW), dtype=np.int32)
                grown[:have] = self._matrix[:have]
                self._matrix = grown
            starts = np.frombuffer(self._tok_start, dtype=np.int64)[have : n + 1]
            flat = np.frombuffer(self._tok_flat, dtype=np.int32)
            lens = np.diff(starts)
            block = self._matrix[have:n]
            for col in range(_WIDTH):
                has = lens > col
                block[has, col] = flat[starts[:-1][has] + col] + 1
            ids = flat[starts[0] : starts[-1]]
            initial = np.zeros(n - have, dtype=np.bool_)
            if len(ids):
                initial = np.logical_or.reduceat(self._initial_flags()[ids], starts[:-1] - starts[0]) & (lens > 0)
            block[:, _COL_SHAPE] = np.minimum(lens, 255) | (initial.astype(np.int32) << 8)
            block[:, _COL_WEIGHT] = np.frombuffer(self._entry_w, dtype=np.float32)[have:n].view(np.int32)
            block[:, _COL_BIRTH] = np.frombuffer(self._entry_births, dtype=np.int32)[have:n]
            self._matrix_rows = n
            del starts, flat, ids
        return self._matrix

    def _posting_rows(self, tid: int, matrix: np.ndarray) -> np.ndarray:
        """The matrix rows of part `tid`'s entries, in posting order. A long posting keeps a copy, read
        in one sweep: a common part's thousands of entries are scattered over the whole matrix, and
        fetching them row by row costs several times more than the reading itself (memory latency).
        The copy is extended by the entries added since it was made. Call `_part_matrix` first."""
        plist = self._postings[tid]
        n = len(plist)
        if n < _BLOCK_MIN:
            return matrix.take(np.frombuffer(plist, dtype=np.int32), axis=0)
        kept = self._blocks.get(tid)
        rows, have = kept if kept is not None else (np.zeros((0, _ROW), dtype=np.int32), 0)
        if have < n:
            if rows.shape[0] < n:
                grown = np.empty((n if not have else n * 5 // 4, _ROW), dtype=np.int32)
                grown[:have] = rows[:have]
                rows = grown
            rows[have:n] = matrix.take(np.frombuffer(plist, dtype=np.int32)[have:n], axis=0)
            self._blocks[tid] = (rows, n)
        return rows[:n]

    def _prepare_blocks(self) -> None:
        """The matrix and the long postings' copies, made at once (a bulk load or a snapshot's start)
        rather than by the first queries."""
        matrix = self._part_matrix()
        for tid, plist in enumerate(self._postings):
            if len(plist) >= _BLOCK_MIN:
                self._posting_rows(tid, matrix)
        self._births = None
        self._birth_index()

    def _initial_flags(self) -> np.ndarray:
        """Per vocabulary part: whether it is an initial (its unlisted likenesses reach INITIAL_SIM)."""
        self._initials = self._per_token(self._initials, lambda t: t.is_initial)
        return self._initials

    def _lookup(self) -> np.ndarray:
        """Scratch per-vocabulary-part weighted similarity and weight to the query, as sim * w + i * w,
        reused by every search (kept zeroed between uses): row tid + 1 is part tid's, row 0 stays zero
        (it pads `_part_matrix`)."""
        n = len(self._vocab) + 1
        if self._lut.shape[0] < n:
            self._lut = np.zeros(max(n, 2 * self._lut.shape[0], 1024), dtype=np.complex64)
        return self._lut

    def search(
        self,
        names: Iterable[str],
        birth_date: str | None = None,
        nationalities: Iterable[str] | None = None,
        sex: str | None = None,
        limit: int = 10,
        min_score: float | None = None,
        explain: bool = True,
        min_total: float | None = None,
    ) -> list[Hit]:
        """Best matching persons, best first; each hit explains its score (when its `explanation`
        is first read).

        `min_score` is the lowest name score worth returning (default MIN_NAME_SCORE);
        `min_total` the lowest final score (name with birth date, nationality and sex) wanted:
        hits below it are left out, and names that no agreement could lift to it are not even
        scored (a screening asks for hits at the threshold only, which spares it most of the
        candidates a general search must weigh). explain=False gives hits without explanations
        (an empty dict).
        """
        floor = MIN_NAME_SCORE if min_score is None else min_score
        qdate = parse_date(birth_date)
        qnats = normalise_nationalities(list(nationalities or ()))
        undated_floor = floor
        mismatch_floor: float | None = None
        if min_total is not None:
            undated_floor = max(floor, lowest_name_score(min_total, None, qnats))
            mismatch_floor = max(undated_floor, mismatch_name_score(min_total, qnats))
            floor = max(floor, lowest_name_score(min_total, qdate, qnats))
        qnames = [n for n in names if n and n.strip()]
        with self._lock:
            best: dict[int, tuple[float, int, int]] = {}  # rid -> (name score, query name idx, entry)
            for qi, qname in enumerate(qnames):
                qtoks = self._query_tokens(qname)
                if not qtoks:
                    continue
                sims = [self._similar(t) for t in qtoks]
                # a common name is held by many records (namesakes), and its score depends on its parts
                # alone: each distinct name among the candidates is scored once
                by_name: dict[bytes, float] = {}
                for eid in self._candidates(qtoks, sims, floor, limit, qdate, undated_floor, mismatch_floor):
                    rid = self._entry_rec[eid]
                    if rid < 0:
                        continue
                    tids = self._entry_tids(eid)
                    parts = tids.tobytes()
                    s = by_name.get(parts, -1.0)
                    if s < 0:
                        s = by_name[parts] = self._entry_score(qtoks, sims, tids, floor)
                    if s >= floor:
                        cur = best.get(rid)
                        if cur is None or s > cur[0]:
                            best[rid] = (s, qi, eid)
            scored: list[tuple[float, int]] = []
            for rid, (s, _, _) in best.items():
                rec = self._records[rid]
                assert rec is not None
                total, _ = combine(s, qdate, rec.birth, qnats, rec.nationalities, sex, rec.sex)
                if min_total is None or total >= min_total:
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
        """Write a snapshot for a fast start: the index's own arrays and columns, which load in bulk
        (no per-record object, nothing recomputed)."""
        with self._lock, _no_gc(), open(path, "wb") as fh:
            state = {
                "version": _SNAPSHOT_VERSION,
                "vocab": self._vocab.state(),
                "parts": list(self._by_part),
                "part_tids": array("i", self._by_part.values()),
                "postings": self._postings,
                "entry_rec": self._entry_rec,
                "tok_flat": self._tok_flat,
                "tok_start": self._tok_start,
                "entry_w": self._entry_w,
                "entry_births": self._entry_births,
                "records": self._records.state(),
                "dead": self._dead_entries,
            }
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> PersonIndex:
        """Read a snapshot written by `save` (ValueError for another snapshot version)."""
        with _no_gc():
            with open(path, "rb") as fh:
                state = pickle.load(fh)
            if not isinstance(state, dict) or state.get("version") != _SNAPSHOT_VERSION:
                raise ValueError("unsupported PersonIndex snapshot version")
            idx = cls()
            idx._vocab = Vocabulary.from_state(state["vocab"])
            # the parts already analysed: catching up on the store's changes after a start analyses only new ones
            idx._by_part = dict(zip(state["parts"], state["part_tids"].tolist(), strict=True))
            idx._postings = state["postings"]
            idx._entry_rec = state["entry_rec"]
            idx._tok_flat = state["tok_flat"]
            idx._tok_start = state["tok_start"]
            idx._entry_w = state["entry_w"]
            idx._entry_births = state["entry_births"]
            idx._records = RecordTable.from_state(state["records"])
            idx._dead_entries = state["dead"]
            idx._rid = idx._records.live_ids()
            idx._prepare_blocks()  # derived, not saved: about a second at 1M persons
        return idx


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: unpickling a snapshot makes millions of objects and no garbage,
    and each collection it triggers would walk all of them again (the better part of a load's time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
