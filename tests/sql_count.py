"""Counting the SQL a test's block sends: statements grouped by transaction.

A listener on the engine records every statement between BEGIN and COMMIT (or
ROLLBACK); what the inbox writes (a delivery written down before it is acknowledged) is
the adapter's own and is left out of ``counted``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

_WRITES = ("INSERT", "UPDATE", "DELETE")
_LEFT_OUT = ("inbox",)


@dataclass
class Transaction:
    """The statements between one BEGIN and its COMMIT or ROLLBACK."""

    statements: list[str] = field(default_factory=list)
    ended: str = ""

    @property
    def writes(self) -> bool:
        return any(s.lstrip().upper().startswith(_WRITES) for s in self.statements)


@dataclass
class Counted:
    transactions: list[Transaction] = field(default_factory=list)

    def counted(self) -> list[Transaction]:
        """Every transaction that did something other than the inbox's work."""
        return [
            t
            for t in self.transactions
            if not all(any(f" {name}" in s for name in _LEFT_OUT) for s in t.statements)
        ]

    def statements(self) -> list[str]:
        return [s for t in self.counted() for s in t.statements]

    def reads_of_the_person(self) -> int:
        return sum(1 for s in self.statements() if s.startswith("SELECT") and "FROM user" in s)


@contextmanager
def counting(engine: Engine) -> Iterator[Counted]:
    """Record every transaction on ``engine`` while the block runs."""
    counted = Counted()

    def begun(_connection: Any) -> None:
        counted.transactions.append(Transaction())

    def executed(*args: Any) -> None:
        statement = " ".join(str(args[2]).split())
        if not counted.transactions or counted.transactions[-1].ended:
            counted.transactions.append(Transaction())  # autocommit, outside BEGIN
        counted.transactions[-1].statements.append(statement)

    def committed(_connection: Any) -> None:
        counted.transactions[-1].ended = "COMMIT"

    def rolled_back(_connection: Any) -> None:
        if counted.transactions:
            counted.transactions[-1].ended = "ROLLBACK"

    listeners = [
        ("begin", begun),
        ("before_cursor_execute", executed),
        ("commit", committed),
        ("rollback", rolled_back),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield counted
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
