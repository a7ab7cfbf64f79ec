"""A small guidelines folder for tests that must not depend on the shipped one."""

from __future__ import annotations

from pathlib import Path

ORGANISATION = """\
organisation: Testbedrijf
languages: [nl, en]
contacts:
  security: {name: Security Office, where: "#ask-security", email: security@test.nl}
  hr: {name: HR Desk, where: "#ask-hr"}
principles:
  - id: add
    title: {nl: Voeg toe, en: Add}
    text: {nl: Voeg je eigen blik toe., en: Add your own view.}
  - id: solve
    title: {nl: Los op, en: Solve}
    text: {nl: Help mensen verder., en: Help people out.}
  - id: enrich
    title: {nl: Verrijk, en: Enrich}
    text: {nl: Verrijk het gesprek., en: Enrich the conversation.}
"""

RULES = """\
rules:
  - id: client-names
    title: {nl: Namen van klanten, en: Client names}
    verdict: ask_first
    owner: security
    answer: {nl: Vraag het eerst aan de klant., en: Ask the client first.}
    examples:
      - Mag ik zeggen voor welke klant ik werk?
      - Mag ik de naam van onze klant noemen?
      - Can I name the client I'm working for?
      - Am I allowed to mention our customer?
    keywords: [klant, klanten, client, customer, opdrachtgever]
    checks:
      - terms: [Acme Bank, Project Falcon]
        severity: block
        message: {nl: Noem deze klant niet., en: Don't name this client.}
  - id: office-photos
    title: {nl: Foto's van kantoor, en: Office photos}
    verdict: allowed
    owner: security
    answer: {nl: "Dat mag, let op schermen.", en: "Go ahead, mind the screens."}
    examples:
      - Mag ik een foto van ons kantoor delen?
      - Can I post a picture of the office?
      - Is it ok to share a photo of our workplace?
    keywords: [foto, kantoor, photo, picture, office]
  - id: vacancies
    title: {nl: Vacatures, en: Vacancies}
    verdict: allowed
    owner: hr
    answer: {nl: Graag! Deel onze vacatures., en: Please do! Share our vacancies.}
    examples:
      - Mag ik een vacature delen?
      - Can I share a job opening?
      - Is it ok to post that we are hiring?
    keywords: [vacature, baan, job, hiring, vacancy]
    checks:
      - if_any: [Testbedrijf]
        require_any: ["#medewerker", "#employee", ik werk bij, I work at]
  - id: quiet-period
    title: {nl: Stille periode, en: Quiet period}
    verdict: not_allowed
    owner: security
    answer: {nl: Niets over cijfers nu., en: Nothing about figures now.}
    examples:
      - Mag ik iets zeggen over de kwartaalcijfers?
      - Can I talk about the quarterly results?
    keywords: [kwartaalcijfers, cijfers, results, figures]
    active: {from: 2026-12-15, until: 2027-01-28}
    checks:
      - terms: [kwartaalcijfers, quarterly results]
"""


def write_guidelines(folder: Path, *, organisation: str = ORGANISATION, rules: str = RULES) -> Path:
    """Write the sample guidelines (or variants of them) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organisation.yaml").write_text(organisation, encoding="utf-8")
    (folder / "rules.yaml").write_text(rules, encoding="utf-8")
    return folder
