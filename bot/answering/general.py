"""Questions about posting in general, answered with the principles.

These phrases are matched like a rule's examples; they are not shown to anyone. Also
the everyday workplace questions that no rule is about, and the words that say a
question is about publishing at all.
"""

from __future__ import annotations

from bot.answering.text import words

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
    "wat zijn de do's en don'ts voor social media",
    "hebben we een social media beleid",
    "wat mag ik als medewerker wel en niet online zeggen over mijn werk",
    "ik ben net begonnen, waar moet ik op letten als ik online iets over mijn werk zet",
    "geef me een overzicht van de afspraken over posten",
    "wat mag ik allemaal wel en niet op social media als medewerker",
    "wat mag ik posten als ik hier werk",
    "wat is ons beleid voor facebook, instagram, linkedin en dat soort dingen",
    "wat zijn de belangrijkste afspraken over posten op internet",
    "kun je de richtlijnen voor social media samenvatten",
    "what may I post",
    "what can I post about work",
    "what are the rules for social media",
    "what are the guidelines",
    "social media policy guidelines",
    "what am I allowed to post",
    "what should I keep in mind when posting",
    "how do I become a good brand ambassador",
    "what can and can't I post about my job",
    "is there a social media policy",
    "any dos and don'ts before I start posting",
    "I just started here, what should I know about posting online",
    "give me an overview of the rules for posting",
    "what am I allowed to post online as an employee here",
    "what can I say on social media as someone who works here",
    "what is our policy on facebook, instagram, linkedin and so on",
    "what are the main agreements about posting online",
    "can you summarise the social media guidelines",
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

OFF_TOPIC_EXAMPLES: tuple[str, ...] = (
    # Everyday workplace questions that are not about posting. Only the semantic
    # matcher uses them: a question closer to these than to any rule is off-topic.
    "hoeveel vakantiedagen heb ik nog",
    "hoe vraag ik verlof aan",
    "hoe declareer ik mijn onkosten",
    "mag ik de taxi of de trein declareren",
    "hoe krijg ik mijn reiskosten vergoed",
    "waar vind ik mijn loonstrook",
    "hoe reserveer ik een vergaderruimte",
    "ik ben mijn wachtwoord vergeten",
    "mijn laptop doet het niet",
    "waar kan ik parkeren",
    "hoe laat gaat de kantine open",
    "hoe meld ik me ziek",
    "mag ik thuiswerken",
    "hoeveel opleidingsbudget heb ik",
    "wanneer wordt mijn salaris betaald",
    "hoe werkt de fietsregeling",
    "mag ik een dienst ruilen met een collega",
    "hoe wijzig ik mijn adres in het personeelssysteem",
    "how many days of leave do I have left",
    "how do I request time off",
    "how do I claim my expenses",
    "can I expense a taxi or a train ticket",
    "where is my payslip",
    "how do I book a meeting room",
    "I forgot my password",
    "my laptop is broken, how do I get a new one",
    "where can I park",
    "what is for lunch in the canteen",
    "how do I call in sick",
    "can I work from home",
    "how much training budget do I get",
    "when is my salary paid",
    "how does the bike scheme work",
    "can I swap a shift with a colleague",
    "how do I change my address in the HR system",
    "what is the weather tomorrow",
    "who won the football match",
)

PUBLISHING_WORDS: frozenset[str] = frozenset(
    # Posting, sharing, reacting, the platforms, photos and videos, saying or naming
    # something in public, the press, profiles and drafts; Dutch, then English (folded).
    """
    post posts posten postte gepost plaats plaatsen plaatst geplaatst deel delen deelt
    gedeeld zet zetten gezet tweet tweeten tweets retweet retweeten like liken liket
    geliked reageer reageren reactie reacties comment comments commenten online
    internet social socials sociale media linkedin insta instagram ig facebook fb
    tiktok twitter youtube story stories blog bloggen vlog foto fotos filmpje filmpjes
    video videos selfie selfies publiceren publiceer vertellen vertel zeggen zeg noemen
    noem vermelden vermeld openbaar pers journalist journalisten bericht berichten
    profiel account accounts whatsapp app appen podcast interview
    share shares sharing shared posted posting publish published repost tweeting liking
    reply replying pic pics picture pictures photo photos snap mention mentioning say
    tell public press reporter reporters profile blogpost newsletter vlogging draft
    concept caption hashtag tag taggen tagging reel reels
    """.split()
)
"""Words of which a question about posting nearly always has one: 12% of the tuning
organisations' rule questions have none, against 84% of their off-topic questions. A
question without any must be clearly nearer to a rule than to the everyday workplace
questions to be answered (``fusion.NOT_PUBLISHING_BAND``)."""


def about_publishing(question: str) -> bool:
    """Whether ``question`` has any of ``PUBLISHING_WORDS``."""
    return not PUBLISHING_WORDS.isdisjoint(words(question))
