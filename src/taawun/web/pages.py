"""The page registry: every page that appears in the navigation says here who may open it.

The base layout builds its navigation from this list, filtered by the signed-in user's role, so a
new page (messaging, working groups...) registers itself once and shows up for the right people:

    register(Page("messages", "/messages", N_("Messages"), order=60, allowed=lambda a: allowed(a, "read")))

A page may also give a ``badge``: a number shown beside its name in the navigation (the inbox's
unread count), computed once per request in the sign-in transaction, through the gate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from taawun.access.actor import Actor
from taawun.access.policy import allowed


@dataclass(frozen=True)
class Page:
    key: str
    path: str
    label: str  # an English message id, marked with N_ so that it is extracted for translation
    order: int = 50
    allowed: Callable[[Actor], bool] = lambda _actor: True
    badge: Callable[[Connection, Actor], int] | None = None


REGISTRY: dict[str, Page] = {}


def register(page: Page) -> Page:
    REGISTRY[page.key] = page
    return page


def nav_for(actor: Actor | None) -> list[Page]:
    if actor is None:
        return []
    return sorted((p for p in REGISTRY.values() if p.allowed(actor)), key=lambda p: (p.order, p.key))


def badges_for(conn: Connection, actor: Actor) -> dict[str, int]:
    return {p.key: p.badge(conn, actor) for p in nav_for(actor) if p.badge is not None}


def can(action: str) -> Callable[[Actor], bool]:
    """A page visible to the roles the gate lets do ``action`` (see access/policy.py)."""
    return lambda actor: allowed(actor, action)
