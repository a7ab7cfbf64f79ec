"""Counting the SQL a test's block sends: statements grouped by transaction.

A listener on the engine records every statement between BEGIN and COMMIT (or
ROLLBACK); what the inbox writes (a delivery written down before it is acknowledged) is
the adapter's own and is left out of ``counted``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    # Each connection's open transaction: the inbox's thread and the answering one may
    # run at the same time, and their statements must not land in each other's.
    open_on: dict[int, Transaction] = {}

    def begun(connection: Any) -> None:
        transaction = Transaction()
        open_on[id(connection)] = transaction
        counted.transactions.append(transaction)

    def executed(connection: Any, *args: Any) -> None:
        statement = " ".join(str(args[1]).split())
        transaction = open_on.get(id(connection))
        if transaction is None:
            transaction = Transaction()  # autocommit, outside BEGIN
            open_on[id(connection)] = transaction
            counted.transactions.append(transaction)
        transaction.statements.append(statement)

    def ended(how: str) -> Callable[[Any], None]:
        def end(connection: Any) -> None:
            transaction = open_on.pop(id(connection), None)
            if transaction is not None:
                transaction.ended = how

        return end

    committed, rolled_back = ended("COMMIT"), ended("ROLLBACK")

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
