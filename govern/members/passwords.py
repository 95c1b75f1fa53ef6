"""Passwords: hashed with Argon2id (tests configure cheaper parameters; production keeps the
defaults), and refused when they are too short or too easy to guess.

Strength is zxcvbn's estimate (Dropbox's pattern matcher, offline: its dictionaries of common
passwords, words and names ship with the package). A password must score at least MIN_SCORE of 4,
i.e. take more than about 10^8 guesses, with the member's own email and name counted as words an
attacker would try first. zxcvbn reads at most its first 72 characters; the rest only adds strength.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 200
MIN_SCORE = 3
_ESTIMATED = 72  # zxcvbn refuses longer input

_hasher = PasswordHasher()
# A hash of a random password, verified when the email is unknown so both cases cost the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def configure(time_cost: int, memory_cost: int) -> None:
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def problems(password: object, personal: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a new password, for the form field (empty: it will do). `personal`: the
    member's email and name, which make a password easy to guess for anyone who knows them."""
    if not isinstance(password, str) or not password:
        return ["is required"]
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return [f"must be {MIN_LENGTH} to {MAX_LENGTH} characters"]
    words = [word for text in personal if text for word in (text, *text.replace("@", " ").replace(".", " ").split())]
    estimate = zxcvbn(password[:_ESTIMATED], user_inputs=words)
    if estimate["score"] >= MIN_SCORE:
        return []
    feedback = estimate["feedback"]
    advice = " ".join(part for part in (feedback.get("warning"), *feedback.get("suggestions", ())) if part)
    return ["is too easy to guess" + (f". {advice}" if advice else ". Use a few uncommon words together.")]
