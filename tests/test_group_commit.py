"""Group commit: concurrent units share a transaction, each answers only after the commit, failures stay apart."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import Connection, Engine, select

from taawun.access import audit
from taawun.access.actor import SYSTEM
from taawun.store.group_commit import GroupCommitter
from taawun.store.tables import audit_log


def _actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars())


def test_queued_units_share_one_transaction_and_keep_the_chain(engine: Engine) -> None:
    committer = GroupCommitter(engine)
    leader_inside, release = threading.Event(), threading.Event()
    seen_committed: dict[str, bool] = {}
    errors: list[BaseException] = []

    def write(name: str, block: bool = False) -> str:
        def work(conn: Connection) -> str:
            if block:  # hold the first transaction open until the others are queued behind it
                leader_inside.set()
                assert release.wait(30)
            audit.record(conn, SYSTEM, f"test.{name}")
            return name
        return committer.run(work)

    def follower(name: str) -> None:
        try:
            assert write(name) == name
            # When run() returns, the entry is committed: a separate connection sees it.
            seen_committed[name] = f"test.{name}" in _actions(engine)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    leader = threading.Thread(target=write, args=("lead", True))
    leader.start()
    assert leader_inside.wait(30)
    names = [f"f{i}" for i in range(10)]
    threads = [threading.Thread(target=follower, args=(n,)) for n in names]
    for t in threads:
        t.start()
    while len(committer._pending) < len(names):  # all ten queued behind the open transaction
        threading.Event().wait(0.01)
    release.set()
    for t in [leader, *threads]:
        t.join(30)
    assert not errors
    assert seen_committed == dict.fromkeys(names, True)
    assert committer.transactions == 2 and committer.units == 11  # the ten followers committed together
    assert sorted(a for a in _actions(engine) if a.startswith("test.")) == sorted(f"test.{n}" for n in
                                                                                   ["lead", *names])
    with engine.connect() as conn:
        assert audit.verify(conn).ok


def test_a_failing_unit_is_undone_alone_and_its_caller_gets_the_error(engine: Engine) -> None:
    committer = GroupCommitter(engine)
    leader_inside, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}
    marker = uuid.uuid4().hex

    def work(name: str, fail: bool = False, block: bool = False):  # type: ignore[no-untyped-def]
        def run(conn: Connection) -> str:
            if block:
                leader_inside.set()
                assert release.wait(30)
            audit.record(conn, SYSTEM, f"test.{name}", marker)
            if fail:
                raise ValueError(f"{name} refused")
            return name
        return run

    def call(name: str, **kw: bool) -> None:
        try:
            outcomes[name] = committer.run(work(name, **kw))
        except ValueError as exc:
            outcomes[name] = exc

    leader = threading.Thread(target=call, args=("lead",), kwargs={"block": True})
    leader.start()
    assert leader_inside.wait(30)
    threads = [threading.Thread(target=call, args=(n,), kwargs={"fail": n == "bad"}) for n in ("good1", "bad", "good2")]
    for t in threads:
        t.start()
    while len(committer._pending) < 3:
        threading.Event().wait(0.01)
    release.set()
    for t in [leader, *threads]:
        t.join(30)
    assert outcomes["good1"] == "good1" and outcomes["good2"] == "good2" and outcomes["lead"] == "lead"
    assert isinstance(outcomes["bad"], ValueError)
    actions = _actions(engine)
    assert "test.bad" not in actions and {"test.good1", "test.good2", "test.lead"} <= set(actions)
    with engine.connect() as conn:
        assert audit.verify(conn).ok


def test_a_lone_failing_unit_raises_and_stores_nothing(engine: Engine) -> None:
    committer = GroupCommitter(engine)

    def bad(conn: Connection) -> None:
        audit.record(conn, SYSTEM, "test.lonely")
        raise ValueError("no")

    with pytest.raises(ValueError):
        committer.run(bad)
    assert "test.lonely" not in _actions(engine)
    assert committer.run(lambda conn: 42) == 42
