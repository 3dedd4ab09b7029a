"""Who is acting: the authenticated user as the gate sees them."""

from __future__ import annotations

from dataclasses import dataclass

from taawun.domain.enums import OrgKind, Role


@dataclass(frozen=True)
class Actor:
    user_id: str
    username: str
    org_code: str
    org_kind: OrgKind
    role: Role
    regions: frozenset[str] = frozenset()

    @property
    def is_gs(self) -> bool:
        return self.org_kind == OrgKind.GS

    @property
    def is_member(self) -> bool:
        return self.org_kind == OrgKind.MEMBER


SYSTEM_ID = "00000000-0000-0000-0000-000000000000"

# The operator's own jobs (init, demo loading, expiry) act as the GS's system account.
SYSTEM = Actor(SYSTEM_ID, "system", "GS", OrgKind.GS, Role.ADMIN)
