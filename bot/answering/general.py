"""Questions about posting in general, answered with the principles.

These phrases are matched like a rule's examples; they are not shown to anyone.
"""

from __future__ import annotations

GENERAL_ID = "__general__"

GENERAL_EXAMPLES: tuple[str, ...] = (
    "wat mag ik posten",
    "wat mag ik wel en niet posten op social media",
    "wat zijn de regels voor social media",
    "wat zijn de richtlijnen",
    "social media richtlijnen beleid",
    "wat mag ik delen over mijn werk",
    "waar moet ik op letten als ik iets post",
    "hoe word ik een goede merkwerker ambassadeur",
    "what may I post",
    "what can I post about work",
    "what are the rules for social media",
    "what are the guidelines",
    "social media policy guidelines",
    "what am I allowed to post",
    "what should I keep in mind when posting",
    "how do I become a good brand ambassador",
)

GENERAL_KEYWORDS: tuple[str, ...] = (
    "regels",
    "richtlijnen",
    "beleid",
    "principes",
    "rules",
    "guidelines",
    "policy",
    "principles",
    "ambassadeur",
    "ambassador",
    "merkwerker",
)
