"""Reading the YAML that people write (guidelines, content import files) with dates as text.

ruamel's reader turns ``2027-03-01`` into a date while reading, and stops the whole file
at ``2027-13-01`` or 31 February without saying where. Read with ``DatesAsText``, a date
stays the text it was, and the code that reads the value says which one is wrong, on
which line, in the reader's language.
"""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor


class DatesAsText(RoundTripConstructor):
    """A round-trip constructor that leaves dates and times as text."""


DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def round_trip_reader() -> YAML:
    """A pure-Python round-trip reader (lines and columns kept) with dates as text."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = DatesAsText
    return yaml
