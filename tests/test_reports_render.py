"""The report formats: a mailable HTML page, CSV a spreadsheet opens, stable JSON, Rich tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from reports_fixtures import MONDAY, NEXT_MONDAY, World
from rich.console import Console

from bot.reports import Report, render_csv, render_html, render_json, render_text
from bot.reports.render_csv import COLUMNS
from bot.reports.svg import BLUE, GREEN, VERMILLION

EVIL_TITLE = '<script>alert("x")</script> & <b>"Launch"</b>'
EVIL_QUESTION = "Mag ik <img src=x onerror=alert(1)> posten?"
FORMULA_TITLE = '=HYPERLINK("https://evil.example","klik")'


@pytest.fixture
def report(tmp_path: Path) -> Iterator[Report]:
    world = World(f"sqlite:///{tmp_path / 'render.db'}")
    sales = world.team("Sales", 5)
    world.team("Tiny", 2)
    world.team(None, 3)  # with Tiny, "other" is five people
    fan = world.person("Sales", leaderboard=True, name="Émile <Fan>")
    evil = world.item(EVIL_TITLE)
    formula = world.item(FORMULA_TITLE)
    markup = world.item('[bold red]Not markup[/bold red], with a comma, and "quotes"\nand a line')
    for person in sales[:4]:
        world.event("suggested", MONDAY, person)
    world.event("marked_shared", MONDAY, sales[0], item=evil)
    world.event("marked_shared", MONDAY, fan, item=formula)
    world.event("marked_shared", NEXT_MONDAY, sales[1], item=markup)
    world.event("link_clicked", NEXT_MONDAY, sales[1], item=markup)
    world.event("suggested", NEXT_MONDAY, sales[1])
    world.question(EVIL_QUESTION, MONDAY)
    world.question(EVIL_QUESTION, MONDAY + timedelta(hours=1))
    world.outbox("unreachable", MONDAY, sales[2])
    yield world.report()
    world.close()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_html_is_one_self_contained_page_with_accessible_svg_charts(report: Report) -> None:
    html = render_html(report, language="en")
    page = _parse(html)
    tags = [tag for tag, _ in page.tags]

    assert html.startswith("<!DOCTYPE html>")
    assert tags.count("svg") == 2
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert all(attrs.get("role") == "img" and attrs.get("aria-labelledby") for attrs in svgs)
    assert tags.count("title") == 3  # the page and each chart
    assert "desc" in tags and "polyline" in tags and "rect" in tags
    # Nothing is fetched from anywhere, nothing runs, and the styles are inline.
    attributes = [(name, value or "") for _, attrs in page.tags for name, value in attrs.items()]
    assert not {"src", "href", "xlink:href", "srcset", "action"} & {n for n, _ in attributes}
    assert not any("http" in value or "url(" in value for _, value in attributes)
    assert not re.search(r"<[^>]*\b(src|href)\s*=", html)
    assert not {"script", "link", "img", "iframe", "object", "style"} & set(tags)
    assert "url(" not in html and "@import" not in html
    # Data tables with headers.
    headers = [attrs for tag, attrs in page.tags if tag == "th"]
    assert {"col", "row"} <= {attrs.get("scope") for attrs in headers}
    # Each table is named by the section heading above it, not by a caption repeating it.
    tables = [attrs for tag, attrs in page.tags if tag == "table"]
    heading_ids = {attrs.get("id") for tag, attrs in page.tags if tag == "h2"}
    assert len(tables) >= 4
    assert all(attrs.get("aria-labelledby") in heading_ids for attrs in tables)
    assert '<html lang="en">' in html


def test_html_escapes_titles_questions_and_names(report: Report) -> None:
    html = render_html(report, language="nl")
    text = "".join(_parse(html).text)

    assert "<script>" not in html and "<img" not in html and "<Fan>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert EVIL_TITLE in text  # shown to the reader as it was written
    assert EVIL_QUESTION in text
    assert "Émile <Fan>" in text


def test_csv_parses_back_with_one_section_column(report: Report) -> None:
    text = render_csv(report, language="en")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))

    assert tuple(rows[0]) == COLUMNS
    sections = {row["section"] for row in rows}
    assert sections == {
        "summary",
        "team",
        "team_week",
        "week",
        "item",
        "without_identity",
        "unanswered",
        "unreachable",
        "leaderboard",
    }
    summary = next(row for row in rows if row["section"] == "summary")
    assert (summary["reached"], summary["shared"], summary["participation"]) == ("4", "3", "0.7500")
    assert summary["period_start"] == "2026-03-02" and summary["period_end"] == "2026-03-15"
    titles = {row["title"] for row in rows if row["section"] == "item"}
    assert EVIL_TITLE in titles
    assert '[bold red]Not markup[/bold red], with a comma, and "quotes"\nand a line' in titles
    # A title that is a formula stays text in a spreadsheet.
    assert "'" + FORMULA_TITLE in titles
    teams = {row["team"] for row in rows if row["section"] == "team"}
    assert teams == {"Sales", "other"}
    assert render_csv(report, language="nl").count(",overig,") >= 1
    assert not render_csv(report, language="en", bom=False).startswith("\ufeff")


def test_json_keys_are_stable_and_do_not_depend_on_the_language(report: Report) -> None:
    data = json.loads(render_json(report))

    assert data["schema"] == "merkwerker.report/1"
    assert list(data) == [
        "schema",
        "period",
        "generated_at",
        "min_team_size",
        "totals",
        "participation",
        "teams",
        "team_weeks",
        "trend",
        "items",
        "without_identity",
        "unanswered_questions",
        "unreachable",
        "leaderboard",
        "picked_questions",
        "not_helpful_answers",
    ]
    assert list(data["period"]) == ["since", "until", "timezone", "first_day", "last_day"]
    assert list(data["totals"]) == [
        "suggested",
        "opened",
        "shares",
        "clicks",
        "questions",
        "checks",
    ]
    assert list(data["teams"][0]) == ["team", "other", "people", "reached", "shared", "rate"]
    assert list(data["team_weeks"][0]) == [
        "week",
        "week_start",
        "team",
        "other",
        "reached",
        "shared",
        "rate",
    ]
    assert list(data["trend"][0]) == [
        "week",
        "week_start",
        "suggested",
        "opened",
        "shares",
        "clicks",
        "questions",
        "checks",
        "reached",
        "shared",
        "rate",
    ]
    assert list(data["items"][0]) == [
        "item_id",
        "title",
        "opened",
        "shares",
        "clicks",
        "clicks_per_share",
    ]
    assert list(data["unanswered_questions"][0]) == [
        "question",
        "count",
        "first_asked",
        "last_asked",
    ]
    assert data["teams"][-1] == {
        "team": None,
        "other": True,
        "people": 5,
        "reached": 0,
        "shared": 0,
        "rate": None,
    }
    assert data["unanswered_questions"][0]["count"] == 2
    assert data["unreachable"] == {"messages": 1, "people": 1}
    assert data["leaderboard"] == [{"name": "Émile <Fan>", "shares": 1}]
    assert data["period"]["until"] == "2026-03-15T23:00:00+00:00"


def test_table_prints_feed_titles_literally_not_as_markup(report: Report) -> None:
    console = Console(file=io.StringIO(), width=200, no_color=True)
    console.print(render_text(report, language="en"))
    text = console.file.getvalue()  # type: ignore[attr-defined]

    assert "[bold red]Not markup[/bold red]" in text
    assert "Participation per team" in text
    assert "Tiny" not in text
    assert "2026-W10" in text and "2026-W11" in text


def _visible_headings(html: str) -> list[str]:
    """The text of every h1, h2 and table caption, in order."""

    class Headings(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside: str | None = None
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("h1", "h2", "caption"):
                self.inside = tag
                self.found.append("")

        def handle_endtag(self, tag: str) -> None:
            if tag == self.inside:
                self.inside = None

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.found[-1] += data

    parser = Headings()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_heading_is_printed_twice(report: Report, language: str) -> None:
    # The HTML page used to repeat each section heading as its table's caption.
    headings = _visible_headings(render_html(report, language=language))
    assert len(headings) > 8
    assert len(headings) == len(set(headings)), headings

    buffer = io.StringIO()
    Console(file=buffer, width=160, no_color=True).print(render_text(report, language=language))
    lines = [line.strip() for line in buffer.getvalue().splitlines() if line.strip()]
    titles = [line for line in lines if not any(ch in line for ch in "│┃━")]
    repeated = {line for line in titles if titles.count(line) > 1 and len(line) < 60}
    assert not repeated, repeated


def _svg(html: str, chart_id: str) -> str:
    start = html.index(f'aria-labelledby="{chart_id}-title')
    return html[start : html.index("</svg>", start)]


def test_the_current_week_is_labelled_on_the_trend_chart(tmp_path: Path) -> None:
    world = World(f"sqlite:///{tmp_path / 'weeks.db'}")
    try:
        person = world.person("Sales")
        world.event("suggested", MONDAY, person)
        # Made in the second week of the two: that week is "this week".
        report = dataclasses.replace(world.report(), generated_at=NEXT_MONDAY)
    finally:
        world.close()
    assert report.current_week == 1
    for language, words in (("en", "this week"), ("nl", "deze week")):
        chart = _svg(render_html(report, language=language), "chart-trend")
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
        assert words in texts
        label = re.search(r'<text[^>]*font-weight="bold"[^>]*>2026-W11</text>', chart)
        assert label is not None, "the current week's own label is bold"
    # A report of a past period has no current week and says none.
    past = dataclasses.replace(report, generated_at=NEXT_MONDAY + timedelta(days=30))
    assert past.current_week is None
    assert "this week" not in render_html(past, language="en")


def test_equal_series_stay_apart_with_their_own_markers(tmp_path: Path) -> None:
    world = World(f"sqlite:///{tmp_path / 'equal.db'}")
    try:
        sales = world.team("Sales", 5)
        item = world.item("Same")
        for person in sales[:2]:
            world.event("marked_shared", MONDAY, person, item=item)
            world.event("link_clicked", MONDAY, person, item=item)
        report = world.report()
    finally:
        world.close()
    week = report.trend[0].activity
    assert week.shares == week.clicks == 2  # the two lines have the very same values
    chart = _svg(render_html(report, language="en"), "chart-trend")
    lines = re.findall(r'<polyline points="([^"]+)" fill="none" stroke="(#[0-9A-F]+)"', chart)
    by_colour = {colour: points for points, colour in lines}
    assert len(by_colour) == 3
    assert by_colour[VERMILLION] != by_colour[GREEN]  # drawn apart, not on top of each other
    # Each series marks its points with a shape of its own: circles, squares, diamonds.
    assert re.search(rf'<circle [^>]*fill="{BLUE}"', chart)
    assert re.search(rf'<rect [^>]*fill="{VERMILLION}"', chart)
    assert re.search(rf'<polygon [^>]*fill="{GREEN}"', chart)


@pytest.mark.parametrize(
    ("language", "opened", "clicks"),
    [
        (
            "en",
            "Links opened: how often someone pressed a share button",
            "Unique clicks: visits to",
        ),
        ("nl", "Links geopend: hoe vaak iemand in een suggestie", "Unieke kliks: bezoeken aan"),
    ],
)
def test_links_opened_and_clicks_are_explained(
    report: Report, language: str, opened: str, clicks: str
) -> None:
    html = render_html(report, language=language)
    buffer = io.StringIO()
    Console(file=buffer, width=400, no_color=True).print(render_text(report, language=language))
    for shown in (html, buffer.getvalue()):
        assert opened in shown and clicks in shown
