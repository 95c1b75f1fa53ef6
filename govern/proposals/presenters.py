"""Turning stored proposal data into words for the pages: option ids into labels, payloads
into labelled facts. Presentation only; no rule lives here."""
from __future__ import annotations

from govern.proposals.kinds import ProposalKind


def describe_choice(labels: dict[str, str], method: str, choice: object) -> str:
    """A ballot as a member reads it: "Ana > Ben", "Park, Hall", "Park: 3, Hall: 2", "yes"."""
    if isinstance(choice, list):
        names = [labels.get(option, option) for option in choice]
        return " > ".join(names) if method == "ranked" else (", ".join(names) or "none of the options")
    if isinstance(choice, dict):
        return ", ".join(f"{labels.get(option, option)}: {points}" for option, points in choice.items()) or "no points"
    return str(choice)


def payload_facts(kind: ProposalKind, payload: dict, labels_by_member: dict[int, str]) -> list[tuple[str, str]]:
    """The payload as (label, value) pairs, using the kind's form labels where it has them."""
    titles = {field.name: field.label for field in kind.form_fields}
    facts = []
    for key, value in payload.items():
        if isinstance(value, list) and all(isinstance(v, int) for v in value) and labels_by_member:
            text = ", ".join(labels_by_member.get(v, f"member {v}") for v in value)
        else:
            text = _plain(value)
        facts.append((titles.get(key, key.replace("_", " ").capitalize()).split(" (")[0], text))
    return facts


def _plain(value: object) -> str:
    """Nested payload values in words: money as "25.00 RSC", rows as "baker, 25.00 RSC; …"."""
    if isinstance(value, dict):
        if set(value) == {"amount", "currency"}:
            return f"{value['amount']} {value['currency']}"
        return ", ".join(_plain(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    return str(value)


# Notes about the viewer's own vote on a closed proposal (delegation registers one).
_VOTE_NOTES: list = []


def register_vote_note(note) -> None:
    """`note(session, proposal, viewer) -> str | None`."""
    if note not in _VOTE_NOTES:
        _VOTE_NOTES.append(note)


def vote_notes(session, proposal, viewer) -> list[str]:
    if viewer is None:
        return []
    return [text for note in _VOTE_NOTES if (text := note(session, proposal, viewer))]


# How each kind of effect reads on a proposal page: registered by the area that owns it (so this
# package never imports them). A presenter takes the session, the effect ids and the viewer and
# returns {id: (label, url or None)}.
_EFFECT_PRESENTERS: dict = {}


def register_effect(effect_type: str, presenter) -> None:
    _EFFECT_PRESENTERS[effect_type] = presenter


def describe_effects(session, effects, viewer) -> list[tuple[str, str | None]]:
    by_type: dict[str, list[str]] = {}
    for effect in effects:
        by_type.setdefault(effect.type, []).append(effect.ref_id)
    described = {}
    for effect_type, ids in by_type.items():
        presenter = _EFFECT_PRESENTERS.get(effect_type)
        shown = presenter(session, ids, viewer) if presenter else {}
        for ref_id in ids:
            described[(effect_type, ref_id)] = shown.get(ref_id, (f"{effect_type.replace('_', ' ')} #{ref_id}", None))
    return [described[(e.type, e.ref_id)] for e in effects]
