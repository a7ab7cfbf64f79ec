"""Nederlandse teksten."""

MESSAGES: dict[str, str] = {
    # Conceptcontrole: standaardmeldingen als een check geen eigen melding heeft.
    "check.detector.email": "Dit lijkt op een e-mailadres. Deel geen persoonsgegevens van collega's of klanten.",
    "check.detector.phone": "Dit lijkt op een telefoonnummer. Deel geen persoonsgegevens van collega's of klanten.",
    "check.detector.iban": "Dit lijkt op een rekeningnummer (IBAN). Deel dat niet in een openbaar bericht.",
    "check.detector.bsn": "Dit lijkt op een burgerservicenummer (BSN). Deel dat nooit.",
    "check.conditional": "Je noemt {match}: vermeld dat je hier werkt, bijvoorbeeld met #medewerker of \"ik werk bij …\".",
    "check.rule_default": "{title}: {answer}",
}
