"""The domain error hierarchy. Services raise these; one handler renders them (see web.py)."""
from __future__ import annotations


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
