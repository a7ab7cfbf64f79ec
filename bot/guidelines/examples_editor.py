"""Adding accepted questions to a rule's ``examples``, in the rule's own YAML file.

The files are the owners' own: everything except the new examples stays byte for byte
as they wrote it (comments, key order, quoting, line endings, a byte order mark).
ruamel.yaml's round-trip composer says where the rule's examples are written; the new
items go in as text at that spot, each rendered by ruamel.yaml so quotes, colons, ``#``
and emoji read back as the same string, and the edit is read back to prove it.

The whole folder is validated in a scratch copy before the real file is replaced
(atomically), so a running bot never sees a broken version. Should the folder be
invalid after the write all the same (another file edited in the meantime), the file
is put back exactly as it was.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.guidelines.examples_text import insert_examples
from bot.guidelines.files import display_name, guideline_files
from bot.guidelines.loader import LoadResult, load_guidelines
from bot.guidelines.problems import Level, Problem

BOM = b"\xef\xbb\xbf"

Validate = Callable[[Path], LoadResult]


class ExamplesRefused(Exception):
    """Nothing was changed; ``key`` names the catalogue message, ``problems`` the errors
    that adding the examples would cause (if that is why)."""

    def __init__(
        self, key: str, /, *, problems: tuple[Problem, ...] = (), **values: object
    ) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
        self.problems = problems


@dataclass(frozen=True, kw_only=True)
class ExamplesAdded:
    """What ``add_examples`` did."""

    rule_id: str
    file: str
    """The rule's file, named as in validation problems (``guidelines/hr.yaml``)."""
    added: tuple[str, ...]
    skipped: tuple[str, ...]
    """Questions the rule already had (compared ignoring case and spacing)."""
    version: str
    """The guidelines version after the edit (the unchanged one if nothing was added)."""


@dataclass(frozen=True, kw_only=True)
class _Found:
    path: Path
    name: str
    raw: bytes
    text: str
    rule: MappingNode


def add_examples(
    folder: Path,
    rule_id: str,
    questions: Sequence[str],
    *,
    validate: Validate = load_guidelines,
) -> ExamplesAdded:
    """Append ``questions`` to the examples of rule ``rule_id`` in ``folder``.

    Questions the rule already has are skipped. Raises ``ExamplesRefused`` when the rule
    does not exist, its examples cannot be edited safely, or the guidelines would be
    invalid afterwards; and ``OSError`` when a file cannot be read or written. In every
    one of those cases the files are as they were.
    """
    wanted = _clean(questions)
    found = _find_rule(folder, rule_id)
    try:
        before = _examples_of(found.text, rule_id)
    except YAMLError:  # a duplicate key, say: the validator words it for the owner
        raise ExamplesRefused("proposals.invalid_now", problems=_errors(validate(folder))) from None
    known = {_same(str(example)) for example in before}
    added: list[str] = []
    skipped: list[str] = []
    for question in wanted:
        if _same(question) in known:
            skipped.append(question)
        else:
            known.add(_same(question))
            added.append(question)
    if added and not _writable(found.path):
        raise ExamplesRefused("proposals.read_only", file=found.name)
    if not added:
        return ExamplesAdded(
            rule_id=rule_id,
            file=found.name,
            added=(),
            skipped=tuple(skipped),
            version=validate(folder).version,
        )
    text = insert_examples(found.text, found.rule, added)
    if text is None or _examples_of(text, rule_id) != [*before, *added]:
        raise ExamplesRefused("proposals.not_found_in_file", rule=rule_id, file=found.name)
    new_raw = (BOM if found.raw.startswith(BOM) else b"") + text.encode("utf-8")

    checked = _validate_copy(folder, found.path, new_raw, validate)
    if not checked.ok:
        raise ExamplesRefused("proposals.broken", problems=_errors(checked))
    _refuse_examples_of_other_rules(checked, folder, rule_id, added)
    if found.path.read_bytes() != found.raw:
        raise ExamplesRefused("proposals.changed_meanwhile", file=found.name)
    _write_atomically(found.path, new_raw)
    after = validate(folder)
    if not after.ok:
        _write_atomically(found.path, found.raw)
        raise ExamplesRefused("proposals.broken", problems=_errors(after))
    return ExamplesAdded(
        rule_id=rule_id,
        file=found.name,
        added=tuple(added),
        skipped=tuple(skipped),
        version=after.version,
    )


def _refuse_examples_of_other_rules(
    checked: LoadResult, folder: Path, rule_id: str, added: Sequence[str]
) -> None:
    """A rule's own example, word for word, is answered with that rule without doubt: the
    same question under a second rule would change nothing the bot says."""
    if checked.guidelines is None:
        return
    wanted = {_same(question): question for question in added}
    _, base = _files(folder)
    for rule in checked.guidelines.rules:
        if rule.id == rule_id:
            continue
        for example in rule.examples:
            question = wanted.get(_same(example))
            if question is not None:
                raise ExamplesRefused(
                    "proposals.example_of_other_rule",
                    question=question,
                    rule=rule_id,
                    other=rule.id,
                    file=display_name(base / Path(rule.source.file).name, base),
                )


def _clean(questions: Sequence[str]) -> list[str]:
    if not questions:
        raise ExamplesRefused("proposals.no_questions")
    cleaned = [unicodedata.normalize("NFC", q).strip() for q in questions]
    if not all(cleaned):
        raise ExamplesRefused("proposals.empty_question")
    return cleaned


def _same(text: str) -> str:
    """The comparison key: questions that differ only in case or spacing are the same."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _files(folder: Path) -> tuple[list[Path], Path]:
    """The guidelines files and the folder their display names are relative to."""
    if folder.is_file():
        return [folder], folder.parent
    return guideline_files(folder), folder


def _find_rule(folder: Path, rule_id: str) -> _Found:
    paths, base = _files(folder)
    ids: set[str] = set()
    for path in paths:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
            root = YAML(typ="rt", pure=True).compose(text)
        except (UnicodeDecodeError, YAMLError, ValueError, RecursionError):
            continue  # validation names what is wrong with this file
        for rule in _rules(root):
            ident = _id(rule)
            if ident == rule_id:
                return _Found(
                    path=path, name=display_name(path, base), raw=raw, text=text, rule=rule
                )
            if ident is not None:
                ids.add(ident)
    known = ", ".join(sorted(ids)) or "-"
    close = _closest(rule_id, ids)
    if close is not None:
        raise ExamplesRefused(
            "proposals.unknown_rule_close",
            rule=rule_id,
            folder=str(folder),
            close=close,
            known=known,
        )
    raise ExamplesRefused("proposals.unknown_rule", rule=rule_id, folder=str(folder), known=known)


def _closest(rule_id: str, ids: set[str]) -> str | None:
    """The id ``rule_id`` was most likely meant to be: the same but for case, spaces or
    dashes first ("Client_Names"), else one a letter or two away ("client-name")."""

    def squashed(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    same = sorted(i for i in ids if squashed(i) == squashed(rule_id))
    if same:
        return same[0]
    found = difflib.get_close_matches(rule_id, sorted(ids), n=1, cutoff=0.8)
    return found[0] if found else None


def _rules(root: Node | None) -> list[MappingNode]:
    if not isinstance(root, MappingNode):
        return []
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "rules" and isinstance(value, SequenceNode):
            return [item for item in value.value if isinstance(item, MappingNode)]
    return []


def _id(rule: MappingNode) -> str | None:
    for key, value in rule.value:
        if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
            return str(value.value).strip()
    return None


def _examples_of(text: str, rule_id: str) -> list[object]:
    """The rule's examples as a loader reads them (a single text is a list of one)."""
    data = YAML(typ="rt", pure=True).load(text)
    rules = data.get("rules") if isinstance(data, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and str(rule.get("id", "")).strip() == rule_id:
            examples = rule.get("examples")
            if examples is None:
                return []
            return list(examples) if isinstance(examples, list) else [examples]
    return []


def _validate_copy(folder: Path, changed: Path, content: bytes, validate: Validate) -> LoadResult:
    """Validate the folder as it would be with ``content`` in ``changed``, in a scratch copy,
    with every problem named after the real file."""
    paths, base = _files(folder)
    with tempfile.TemporaryDirectory(prefix="merkwerker-") as scratch:
        copy_base = Path(scratch) / (base.resolve().name or "guidelines")
        copy_base.mkdir()
        names = {str(copy_base): str(folder)}
        for path in paths:
            copy = copy_base / path.name
            copy.write_bytes(content if path == changed else path.read_bytes())
            names[display_name(copy, copy_base)] = display_name(path, base)
        result = validate(copy_base / folder.name if folder.is_file() else copy_base)
    problems = tuple(replace(p, file=names.get(p.file, p.file)) for p in result.problems)
    return replace(result, problems=problems)


def _errors(result: LoadResult) -> tuple[Problem, ...]:
    return tuple(p for p in result.problems if p.level is Level.ERROR)


def _writable(path: Path) -> bool:
    """Whether the owner left ``path`` open to changes. The new file replaces the old
    one, which the folder's permissions alone would allow, so the file's own are asked
    (its mode too: as root ``os.access`` says yes to everything)."""
    anyone = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    return bool(path.stat().st_mode & anyone) and os.access(path, os.W_OK)


def _write_atomically(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` in one step, keeping its permissions."""
    mode = stat.S_IMODE(path.stat().st_mode)
    # A dot name: the loader and the watcher skip it while it is being written.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
