"""The domain error hierarchy. Services raise these; one handler renders them (see web.py)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class DomainError(Exception):
    """A rule of the domain was not met. `status` is the HTTP answer it maps to."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationError(DomainError):
    status = 400
    code = "validation_error"

    @classmethod
    def for_field(cls, field: str, problem: str) -> "ValidationError":
        return cls(f"{field}: {problem}", fields={field: [problem]})


class Problems:
    """Gathers the ValidationErrors of several independent checks, so that a form is answered with
    all its problems at once rather than the first one:

        problems = Problems()
        with problems.check():
            title = clean_title(...)
        ...
        problems.raise_if_any()

    One problem is raised again as it was (its code and message kept); several become one
    ValidationError with every field's problems. Other errors (a conflict, a refusal) pass at once."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            self.errors.append(error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, message: str = "Some fields need another look.") -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            fields: dict[str, list[str]] = {}
            for error in self.errors:
                for name, problems in (error.fields or {"": [error.message]}).items():
                    fields.setdefault(name, []).extend(p for p in problems if p not in fields.get(name, []))
            raise ValidationError(message, fields=fields)


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InsufficientFunds(Conflict):
    code = "insufficient_funds"

    def __init__(self, message: str, *, account_id: int | None = None):
        super().__init__(message)
        self.account_id = account_id


class BackingViolation(Conflict):
    code = "backing_violation"


class LedgerLimit(Conflict):
    """An entry would take a balance outside what the ledger can hold (a signed 64-bit integer)."""

    code = "ledger_limit"


class IdempotencyConflict(Conflict):
    code = "idempotency_key_reused"


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"
