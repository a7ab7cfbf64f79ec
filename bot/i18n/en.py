"""English wording."""

MESSAGES: dict[str, str] = {
    # Draft checker: default finding messages when a check has no message of its own.
    "check.detector.email": "This looks like an e-mail address. Don't share personal data of colleagues or clients.",
    "check.detector.phone": "This looks like a phone number. Don't share personal data of colleagues or clients.",
    "check.detector.iban": "This looks like a bank account number (IBAN). Don't share it in a public post.",
    "check.detector.bsn": "This looks like a citizen service number (BSN). Never share it.",
    "check.conditional": "You mention {match}: say that you work here, for example with #employee or \"I work at …\".",
    "check.rule_default": "{title}: {answer}",
}
