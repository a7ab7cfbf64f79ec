"""The privacy and terms pages: the organisation's own text, or the default, as safe HTML.

The organisation keeps ``privacy.nl.md``, ``privacy.en.md``, ``terms.nl.md`` and
``terms.en.md`` beside the guidelines (``guidelines/README.md`` explains them). Each is
plain text with a little Markdown: ``#`` and ``##`` headings, ``- `` list items,
paragraphs separated by a blank line, and ``code`` in backticks. Everything else is
shown as written: the file is text, never HTML, so every character is escaped.

A file that is missing, unreadable, not UTF-8, empty or larger than ``MAX_BYTES`` is
replaced by the default text from the catalogues, and one plain line is logged (once per
file and problem, not on every request).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.i18n import SUPPORTED, t

log = logging.getLogger(__name__)

PageKind = Literal["privacy", "terms"]
PAGES: tuple[PageKind, ...] = ("privacy", "terms")
MAX_BYTES = 256 * 1024
_CODE = re.compile(r"`([^`\n]+)`")
_LANGUAGE_RANGE = re.compile(
    r"^\s*([a-zA-Z]{1,8})(?:-[a-zA-Z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$"
)


@dataclass(frozen=True)
class LegalPage:
    """One page, ready to serve."""

    language: str
    title: str
    html: str
    source: str
    """The file it came from, or ``default``."""


def page_language(requested: str | None, accept_language: str | None) -> str:
    """``nl`` or ``en``: ``?lang=`` when it names one, else the browser's best supported choice.

    An unsupported ``?lang=`` is ignored, as is a malformed Accept-Language entry; English
    when nothing fits.
    """
    if requested and requested.strip().lower() in SUPPORTED:
        return requested.strip().lower()
    best: tuple[float, int, str] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        match = _LANGUAGE_RANGE.match(item)
        if not match:
            continue
        code = match.group(1).lower()
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if code in SUPPORTED and weight > 0:
            candidate = (weight, -position, code)
            if best is None or candidate > best:
                best = candidate
    return best[2] if best else "en"


def _inline(text: str) -> str:
    """Escaped ``text`` with `code` spans."""
    parts = _CODE.split(text)
    return "".join(
        f"<code>{html.escape(part)}</code>" if index % 2 else html.escape(part)
        for index, part in enumerate(parts)
    )


def render(text: str) -> tuple[str | None, str]:
    """The first ``#`` heading (for the page title) and ``text`` as HTML."""
    title: str | None = None
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            out.append(f"<h2>{_inline(line[3:].strip())}</h2>")
        elif line.startswith("# "):
            flush()
            heading = line[2:].strip()
            title = title or heading
            out.append(f"<h1>{_inline(heading)}</h1>")
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] += " " + line  # a list item continued on the next, indented line
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return title, "\n".join(out)


class LegalPages:
    """Reads the organisation's files from ``folder`` on every request (edits show at once)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._reported: set[tuple[str, str]] = set()

    def path(self, kind: PageKind, language: str) -> Path:
        """Where the organisation's text for ``kind`` in ``language`` lives."""
        return self.folder / f"{kind}.{language}.md"

    def _read(self, path: Path) -> str | None:
        problem: str
        try:
            with path.open("rb") as file:
                data = file.read(MAX_BYTES + 1)
        except FileNotFoundError:
            problem = "is missing"
        except OSError as error:
            problem = f"cannot be read ({error.strerror or error})"
        else:
            if len(data) > MAX_BYTES:
                problem = f"is larger than {MAX_BYTES // 1024} KB"
            else:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    problem = "is not UTF-8 text"
                else:
                    if text.strip():
                        return text
                    problem = "is empty"
        if (str(path), problem) not in self._reported:
            self._reported.add((str(path), problem))
            log.warning("%s %s; showing the default text instead", path, problem)
        return None

    def page(self, kind: PageKind, language: str) -> LegalPage:
        """The page ``kind`` in ``language``: the organisation's file, or the default."""
        path = self.path(kind, language)
        text = self._read(path)
        source = str(path)
        if text is None:
            text = t(language, f"legal.{kind}.default")
            source = "default"
        heading, body = render(text)
        return LegalPage(
            language=language,
            title=heading or t(language, f"legal.{kind}.title"),
            html=body,
            source=source,
        )


def document(page: LegalPage) -> str:
    """A whole, small, accessible HTML document for ``page``, linking the other language."""
    other = next(code for code in SUPPORTED if code != page.language)
    switch = html.escape(t(page.language, "legal.other_language"))
    return (
        f'<!doctype html>\n<html lang="{page.language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(page.title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:40em;"
        "margin:2em auto;padding:0 1em;color:#1a1a1a;background:#fff}"
        "code{background:#f0f0f0;padding:0 .2em}</style>\n</head>\n<body>\n"
        f'<nav><a href="?lang={other}" hreflang="{other}" lang="{other}">{switch}</a></nav>\n'
        f"<main>\n{page.html}\n</main>\n</body>\n</html>\n"
    )
