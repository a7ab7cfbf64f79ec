"""What a person sees of a reply in the console, for tests: its text as the console
adapter renders it (buttons numbered), and its buttons, links and form alongside."""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich.console import Console

from adapters.console.render import to_renderable
from bot.messages import Choice, Choices, Field, Form, Link, Reply, Text

_WIDE = 1000  # no wrapping: a test looks for sentences, not for where a terminal breaks them
_RULE = "─"


def seen_text(reply: Reply | None) -> str:
    """``reply`` as the console shows it, in plain text (no colours, no wrapping)."""
    if reply is None:
        return ""
    out = io.StringIO()
    console = Console(
        file=out,
        width=_WIDE,
        color_system=None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=True,
        legacy_windows=False,
    )
    console.print(to_renderable(reply, numbered=True))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    # A divider spans the terminal; a short one reads the same in a failing assertion.
    return "\n".join(_RULE * 3 if line and set(line) == {_RULE} else line for line in lines)


@dataclass(frozen=True)
class SeenForm:
    """A form as the person meets it: a title, fields with their current values."""

    form: Form

    @property
    def title(self) -> str:
        return self.form.title

    @property
    def values(self) -> dict[str, str]:
        """Each field's id and the value it is filled in with."""
        return {f.id: f.value for f in self.form.fields}

    def options(self, field_id: str) -> list[str]:
        """The values a choice field offers, in the order shown."""
        return [o.value for o in self.field(field_id).options]

    def field(self, field_id: str) -> Field:
        """The field ``field_id`` (its label, kind, options and value)."""
        for candidate in self.form.fields:
            if candidate.id == field_id:
                return candidate
        raise AssertionError(f"the form {self.title!r} has no field {field_id!r}")


@dataclass(frozen=True)
class Seen:
    """What came back from the bot: the text a person reads and what they can press.

    ``"words" in seen`` looks in the text. An action the platform acknowledges without
    a reply gives a ``Seen`` with empty text and ``reply`` None.
    """

    reply: Reply | None

    @property
    def text(self) -> str:
        return seen_text(self.reply)

    @property
    def kind(self) -> str | None:
        """The kind of reply (such as ``suggestions.empty``), for when wording is not the point."""
        return None if self.reply is None else self.reply.kind

    @property
    def choices(self) -> tuple[Choice, ...]:
        """The buttons in the order shown (``[1]`` first), with what each one does."""
        if self.reply is None:
            return ()
        return tuple(c for p in self.reply.parts if isinstance(p, Choices) for c in p.choices)

    @property
    def buttons(self) -> list[str]:
        """The labels of the buttons, in the order shown."""
        return [c.label for c in self.choices]

    @property
    def headings(self) -> list[str]:
        """The headings (shown in bold), in order."""
        if self.reply is None:
            return []
        return [p.text for p in self.reply.parts if isinstance(p, Text) and p.style == "heading"]

    @property
    def links(self) -> list[tuple[str, str]]:
        """Each link's label and address, in order."""
        if self.reply is None:
            return []
        return [(p.label, p.url) for p in self.reply.parts if isinstance(p, Link)]

    @property
    def form(self) -> SeenForm | None:
        """The form this reply opens, if it opens one."""
        if self.reply is None:
            return None
        forms = [p for p in self.reply.parts if isinstance(p, Form)]
        return SeenForm(forms[0]) if forms else None

    def button(self, label: str | int, *, of: str | None = None) -> Choice:
        """The button labelled ``label`` (or numbered so), under the heading ``of`` if given."""
        if isinstance(label, int):
            if not 1 <= label <= len(self.choices):
                raise AssertionError(f"no button [{label}] in:\n{self.text}")
            return self.choices[label - 1]
        found = [c for c in self._choices_under(of) if c.label == label]
        if not found:
            where = f" under {of!r}" if of else ""
            raise AssertionError(f"no button {label!r}{where} in:\n{self.text}")
        if len(found) > 1:
            raise AssertionError(
                f"{len(found)} buttons {label!r}; say which with of=<heading>:\n{self.text}"
            )
        return found[0]

    def _choices_under(self, heading: str | None) -> list[Choice]:
        if self.reply is None:
            return []
        if heading is None:
            return list(self.choices)
        current: str | None = None
        found: list[Choice] = []
        for part in self.reply.parts:
            if isinstance(part, Text) and part.style == "heading":
                current = part.text
            elif isinstance(part, Choices) and current is not None and heading in current:
                found.extend(part.choices)
        return found

    def __contains__(self, words: str) -> bool:
        return words in self.text

    def __str__(self) -> str:
        return self.text
