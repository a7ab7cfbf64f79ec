"""House rules about where SQL may live, checked on the source.

Each area keeps its SQL in its store (``store.py``, or ``queries.py`` alone) and, where
the store grew, the statements it builds on in a ``queries.py`` beside it; the rest of
the area, and every adapter, works on the plain values the store returns.
``sql_imports`` finds the imports that break that; an area joins the list below once
its SQL is behind its store.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import bot.storage.tables

ROOT = Path(__file__).resolve().parent.parent

SQL_MODULES = ("sqlalchemy", "sqlmodel", "bot.storage.tables")
"""Importing any of these (or anything below them) is SQL."""

TABLE_NAMES = frozenset(
    name
    for name, value in vars(bot.storage.tables).items()
    if inspect.isclass(value) and issubclass(value, SQLModel) and value is not SQLModel
)
"""The table classes, which ``bot.storage`` re-exports: importing one from there is SQL too."""


def _is_sql(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in SQL_MODULES)


def _sql_names(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names if _is_sql(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported = {alias.name for alias in node.names}
            if _is_sql(node.module):
                found.append(node.module)
            elif node.module == "bot.storage" and ("tables" in imported or imported & TABLE_NAMES):
                found.append(f"bot.storage ({', '.join(sorted(imported))})")
    return found


def sql_imports(paths: Iterable[str], *, allowed: frozenset[str]) -> list[str]:
    """``path: module`` for every SQL import in the Python files under ``paths``
    (files or folders, relative to the repository), except in the files in ``allowed``."""
    offenders: list[str] = []
    for path in paths:
        target = ROOT / path
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if relative in allowed:
                continue
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=relative)
            offenders.extend(f"{relative}: {name}" for name in _sql_names(tree))
    return offenders


AREAS = {
    "answering": (("bot/answering",), frozenset({"bot/answering/store.py"})),
    "checking": (("bot/checking",), frozenset()),
    "content": (("bot/content",), frozenset({"bot/content/store.py", "bot/content/queries.py"})),
    "digests": (("bot/digests",), frozenset({"bot/digests/store.py", "bot/digests/queries.py"})),
    "guidelines": (("bot/guidelines",), frozenset()),
    "inbox": (("bot/inbox",), frozenset({"bot/inbox/store.py"})),
    "people": (("bot/people",), frozenset({"bot/people/store.py", "bot/people/queries.py"})),
    "reports": (("bot/reports",), frozenset({"bot/reports/queries.py"})),
    "scheduling": (("bot/scheduling",), frozenset({"bot/scheduling/store.py"})),
    "suggestions": (
        ("bot/suggestions",),
        frozenset({"bot/suggestions/store.py", "bot/suggestions/queries.py"}),
    ),
    "tracking": (("bot/tracking",), frozenset({"bot/tracking/store.py"})),
    "the conversation core": (
        tuple(path.relative_to(ROOT).as_posix() for path in sorted((ROOT / "bot").glob("*.py"))),
        frozenset(),
    ),
    "adapters": (("adapters",), frozenset()),
}
"""Per area: where its code is, and the modules allowed to speak SQL."""


@pytest.mark.parametrize("area", sorted(AREAS))
def test_only_the_store_of_an_area_speaks_sql(area: str) -> None:
    paths, allowed = AREAS[area]
    assert sql_imports(paths, allowed=allowed) == []


def test_the_check_finds_sql_imports_of_every_spelling(tmp_path: Path) -> None:
    source = (
        "import sqlalchemy\n"
        "from sqlmodel import Session\n"
        "from bot.storage.tables import User\n"
        "from bot.storage import Store, Share\n"
        "from bot.storage import tables\n"
        "from bot.storage import Store\n"
        "def later():\n"
        "    from sqlalchemy.exc import IntegrityError\n"
    )
    assert _sql_names(ast.parse(source)) == [
        "sqlalchemy",
        "sqlmodel",
        "bot.storage.tables",
        "bot.storage (Share, Store)",
        "bot.storage (tables)",
        "sqlalchemy.exc",
    ]


def test_an_allowed_module_may_speak_sql() -> None:
    assert sql_imports(["bot/content/store.py"], allowed=frozenset()) != []
    assert sql_imports(["bot/content/store.py"], allowed=frozenset({"bot/content/store.py"})) == []
