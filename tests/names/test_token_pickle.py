"""Index snapshots pickle analysed tokens: every field, derived ones included, must come back."""

import pickle
from dataclasses import fields

from taawun.names import analyse_name


def test_tokens_round_trip_with_every_field() -> None:
    for name in ["يورغن شتوك", "Jürgen Stock", "J. Stock", "محمدجواد ظريف", "Иван Петров"]:
        for token in analyse_name(name):
            back = pickle.loads(pickle.dumps(token, protocol=pickle.HIGHEST_PROTOCOL))
            assert all(getattr(back, f.name) == getattr(token, f.name) for f in fields(token)), name
            assert back == token and hash(back) == hash(token)
