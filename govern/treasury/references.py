"""The references bank transfers quote, and finding them again in what a bank statement says.

* A deposit's reference is random, `RSC-7K3M-9QXP` (eight symbols of Crockford's base 32: no I,
  L, O or U, so it survives being read aloud or typed): a typo in it matches no other deposit.
* A payout's reference is the co-op's own, `PAY-<id>-<check digit>` (Luhn): the co-op types it.

Banks rewrite what a payer types: upper case, spaces and dashes dropped, other words around it.
`deposit_references` and `payout_ids` find the references in any of those forms.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DEPOSIT_PREFIX = "RSC"
PAYOUT_PREFIX = "PAY"
_SEPARATORS = r"[\s\-_./:]*"
_DEPOSIT = re.compile(rf"{DEPOSIT_PREFIX}{_SEPARATORS}([{ALPHABET}]{{4}}){_SEPARATORS}([{ALPHABET}]{{4}})(?![{ALPHABET}])")
_PAYOUT = re.compile(rf"{PAYOUT_PREFIX}{_SEPARATORS}(\d{{1,18}}){_SEPARATORS}(\d)(?!\d)")


def new_deposit_reference() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{DEPOSIT_PREFIX}-{symbols[:4]}-{symbols[4:]}"


def deposit_references(text: str) -> list[str]:
    """The deposit references a statement line quotes, in their canonical form."""
    return sorted({f"{DEPOSIT_PREFIX}-{a}-{b}" for a, b in _DEPOSIT.findall(text.upper())})


def luhn_digit(number: int) -> int:
    total = 0
    for position, digit in enumerate(reversed(str(number))):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def payout_reference(payout_id: int) -> str:
    return f"{PAYOUT_PREFIX}-{payout_id}-{luhn_digit(payout_id)}"


def payout_ids(text: str) -> list[int]:
    """The payouts a statement line quotes (only references whose check digit is right)."""
    found = set()
    for digits, check in _PAYOUT.findall(text.upper()):
        payout_id = int(digits)
        if payout_id > 0 and luhn_digit(payout_id) == int(check):
            found.add(payout_id)
    return sorted(found)
