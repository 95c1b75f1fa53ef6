"""The API's reusable field types and shapes, declared once as pydantic types: each validates a
request and describes itself in the OpenAPI document with the same rule (see API.md, "Conventions").

* Money crosses the API as `{"amount": "12.50", "currency": "RSC"}`: the amount a decimal string
  with at most two decimals, never a JSON number; in a request at most 1,000,000,000.00.
* Other numbers that are not counts (rates, bounds, hours, percentages) are decimal strings.
* Ids are whole numbers from 1 to 2**31 - 1 (PostgreSQL's `integer`), never strings or booleans.
* Lists are `{"items": [...], "next": "<cursor>" | null}`.

Error messages are plain words for the member who reads them next to a field ("must be a decimal
string such as \"12.50\""); `govern.apiutil` turns a failed validation into the contract's error
shape, one message list per top-level field.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import (AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PlainValidator,
                      StrictBool, WithJsonSchema, model_serializer)
from pydantic_core import PydanticCustomError

from govern.clock import parse_time
from govern.errors import ValidationError
from govern.ids import ID_DIGITS, MAX_ID
from govern.money import CURRENCIES, MINOR_PER_UNIT, Money as MoneyValue, format_minor

MAX_REQUEST_AMOUNT = "1000000000.00"
MAX_REQUEST_MINOR = 1_000_000_000 * MINOR_PER_UNIT

# A positive amount of at most 1,000,000,000.00, with at most two decimals, no sign, no leading zero.
POSITIVE_AMOUNT_PATTERN = r"^(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,2})?|0\.(?:[1-9][0-9]?|0[1-9])|1000000000(?:\.00?)?)$"
# The same, or zero (a monthly maintenance budget, the cost of an item re-granted).
AMOUNT_OR_ZERO_PATTERN = r"^(?:0(?:\.0{1,2})?|" + POSITIVE_AMOUNT_PATTERN[4:-2] + r")$"
# An amount in an answer: signed, always two decimals.
SIGNED_AMOUNT_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
DECIMAL_PATTERN = r"^-?[0-9]{1,15}(?:\.[0-9]{1,12})?$"
MONTH_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"


# A cursor is an id from an earlier page: digits, at most 2**31 - 1 (PostgreSQL's integer).
CURSOR_PATTERN = f"^(?:{ID_DIGITS})$"

_POSITIVE_AMOUNT = re.compile(POSITIVE_AMOUNT_PATTERN)
_AMOUNT_OR_ZERO = re.compile(AMOUNT_OR_ZERO_PATTERN)
_DECIMAL = re.compile(DECIMAL_PATTERN)
_MONTH = re.compile(MONTH_PATTERN)


def _problem(text: str) -> PydanticCustomError:
    return PydanticCustomError("govern", text)


def _positive_amount(value: Any) -> str:
    if not isinstance(value, str):
        raise _problem('must be a decimal string such as "12.50", not a number')
    text = value.strip()
    if _POSITIVE_AMOUNT.match(text):
        return text
    if re.fullmatch(r"-[0-9]+(?:\.[0-9]+)?", text):
        raise _problem("must not be negative")
    if re.fullmatch(r"0+(?:\.0+)?", text):
        raise _problem("must be more than zero")
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
        raise _problem('must have at most two decimals, such as "12.50"')
    if re.fullmatch(r"[0-9]+(?:\.[0-9]{1,2})?", text):
        raise _problem("must be at most 1000000000.00")
    raise _problem('must be a decimal string such as "12.50"')


def _amount_or_zero(value: Any) -> str:
    if isinstance(value, str) and _AMOUNT_OR_ZERO.match(value.strip()):
        return value.strip()
    return _positive_amount(value)


def _decimal_string(value: Any) -> str:
    if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
        raise _problem('must be a decimal string such as "0.05"')
    return value.strip()


def _month(value: Any) -> str:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise _problem('must be a month such as "2026-06"')
    return value


def _whole_id(value: Any) -> int:
    """An id in a JSON body: a whole number (JSON's 7.0 is 7), never a string or a boolean."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _problem("must be a whole number (an id)")
    if not 1 <= value <= MAX_ID:
        raise _problem(f"must be an id from 1 to {MAX_ID}")
    return value


PERCENT_PATTERN = r"^(?:100|[1-9]?[0-9])$"


def _percent(value: Any) -> str:
    """A whole percentage, 0 to 100: "20" as API.md asks, or the JSON number 20."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
        return str(value)
    if isinstance(value, str) and re.fullmatch(PERCENT_PATTERN, value):
        return value
    raise _problem('must be a whole number from 0 to 100, such as "20"')


def _strict_date(value: Any) -> date:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _problem('must be a date such as "2026-06-01"')


def _moment(value: Any) -> datetime:
    """An ISO 8601 time with its UTC offset ("Z" or "+00:00"); never a bare number (govern.clock)."""
    try:
        moment = parse_time(value, "time")
    except ValidationError as error:
        raise _problem(error.fields["time"][0]) from None
    if moment is None:
        raise _problem("must be an ISO 8601 time with a UTC offset")
    return moment


Moment = Annotated[datetime, PlainValidator(_moment), WithJsonSchema({"type": "string", "format": "date-time"})]
PositiveAmount = Annotated[str, PlainValidator(_positive_amount), WithJsonSchema(
    {"type": "string", "pattern": POSITIVE_AMOUNT_PATTERN, "examples": ["12.50"],
     "description": "A decimal string with at most two decimals, more than 0 and at most 1,000,000,000.00"})]
AmountOrZero = Annotated[str, PlainValidator(_amount_or_zero), WithJsonSchema(
    {"type": "string", "pattern": AMOUNT_OR_ZERO_PATTERN, "examples": ["0.00", "12.50"],
     "description": "A decimal string with at most two decimals, from 0 to 1,000,000,000.00"})]
DecimalString = Annotated[str, PlainValidator(_decimal_string), WithJsonSchema(
    {"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["0.05"]})]
Month = Annotated[str, PlainValidator(_month), WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN,
                                                                "examples": ["2026-06"]})]
Percent = Annotated[str, PlainValidator(_percent), WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": PERCENT_PATTERN}, {"type": "integer", "minimum": 0, "maximum": 100}],
    "description": "A whole number from 0 to 100"})]
Day = Annotated[date, PlainValidator(_strict_date), WithJsonSchema({"type": "string", "format": "date"})]
Id = Annotated[int, PlainValidator(_whole_id), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID})]
# An id in a query string (digits, from 1 to 2**31 - 1).
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
Currency = Literal["RSC", "USD"]
Flag = StrictBool


# An occupation or industry: letters of any script, digits, hyphens and spaces (see govern.wages.names).
Name = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[\w\- ]*[^\W_][\w\- ]*$",
                            description="Letters, digits, hyphens and spaces; not `calculator` (a page's name)",
                            json_schema_extra={"not": {"pattern": r"^[\s_]*[Cc][Aa][Ll][Cc][Uu][Ll][Aa][Tt][Oo][Rr][\s_]*$"}})]


def text(max_length: int, *, min_length: int = 0, description: str | None = None):
    """A string field of bounded length (trimmed by the services that keep it)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, description=description)]


class Request(BaseModel):
    """A request body or query: unknown fields are ignored (clients may send more than we read)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class Answer(BaseModel):
    """An answer: declared once, it documents the answer and builds it, from a row's attributes
    (`ListingAnswer.model_validate(listing)`) or from keywords. Fields named in `omitted_when_none`
    are left out of the answer rather than sent as null (the contract shows them only when they
    apply: a member's email, a bridge company's outside price)."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)
    omitted_when_none: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _leave_out_what_does_not_apply(self, write):
        data = write(self)
        for name in self.omitted_when_none:
            if data.get(name, 0) is None:
                del data[name]
        return data


MONEY_OUT = {"type": "object", "required": ["amount", "currency"], "additionalProperties": False,
             "properties": {"amount": {"type": "string", "pattern": SIGNED_AMOUNT_PATTERN},
                            "currency": {"type": "string", "enum": list(CURRENCIES)}}}


def _cents_as(currency: str):
    """Integer cents in, the API's money object out (`1250` -> `{"amount": "12.50", "currency": ...}`)."""
    return PlainSerializer(lambda minor: {"amount": format_minor(minor), "currency": currency}, return_type=dict)


def _money_object(value: Any) -> dict:
    """A `Money` value (any currency) or a money object, as the API writes it."""
    return value.to_json() if isinstance(value, MoneyValue) else value


class With:
    """A row seen with a few more attributes, the computed ones an answer shows besides its columns:
    `FacilityAnswer.model_validate(With(facility, waiting=3))`."""

    def __init__(self, row: Any, **more: Any):
        self._row, self._more = row, more

    def __getattr__(self, name: str) -> Any:
        return self._more[name] if name in self._more else getattr(self._row, name)


def cents(name: str, *, default: Any = ...) -> Any:
    """A money field read from `name` or `name_minor` (the column that holds its cents)."""
    return Field(default, validation_alias=AliasChoices(name, f"{name}_minor"))


Rsc = Annotated[int, _cents_as("RSC"), WithJsonSchema({**MONEY_OUT, "description": "RSC"})]
Usd = Annotated[int, _cents_as("USD"), WithJsonSchema({**MONEY_OUT, "description": "USD"})]
Text = Annotated[str, BeforeValidator(str)]  # a decimal or a number, shown as the text it is
Time = Annotated[datetime, PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
                 WithJsonSchema({"type": "string", "format": "date-time"})]


class MoneyIn(BaseModel):
    """`{"amount": "12.50", "currency": "RSC"}` in a request."""

    model_config = ConfigDict(extra="forbid", title="MoneyIn")
    amount: PositiveAmount
    currency: Currency

    def value(self) -> MoneyValue:
        whole, _, cents = self.amount.partition(".")
        return MoneyValue(int(whole) * MINOR_PER_UNIT + int(cents.ljust(2, "0") or 0), self.currency)


class RscIn(MoneyIn):
    """An amount in RSC."""

    model_config = ConfigDict(extra="forbid", title="RscIn")
    currency: Literal["RSC"]


class UsdIn(MoneyIn):
    """An amount in USD."""

    model_config = ConfigDict(extra="forbid", title="UsdIn")
    currency: Literal["USD"]


class MoneyOrZeroIn(MoneyIn):
    """The same, where zero makes sense."""

    model_config = ConfigDict(extra="forbid", title="MoneyOrZeroIn")
    amount: AmountOrZero


class RscOrZeroIn(MoneyOrZeroIn):
    """An amount in RSC, zero allowed."""

    model_config = ConfigDict(extra="forbid", title="RscOrZeroIn")
    currency: Literal["RSC"]


class UsdOrZeroIn(MoneyOrZeroIn):
    """An amount in USD, zero allowed."""

    model_config = ConfigDict(extra="forbid", title="UsdOrZeroIn")
    currency: Literal["USD"]


class Money(BaseModel):
    """`{"amount": "-12.50", "currency": "RSC"}` in an answer: signed, two decimals."""

    model_config = ConfigDict(extra="forbid")
    amount: Annotated[str, Field(pattern=SIGNED_AMOUNT_PATTERN)]
    currency: Currency


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorBody(BaseModel):
    """Every error: `{"error": {"code", "message", "fields"?}}`."""

    model_config = ConfigDict(title="Error")
    error: ErrorDetail


class Cause(Answer):
    type: str
    id: int | str | None


class Effect(Answer):
    type: str
    id: int | str


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """`{"items": [...], "next": cursor | null}`, newest first."""

    items: list[T]
    next: str | None


def _absent_not_null(schema: dict[str, Any]) -> None:
    """A query parameter is given or not; it is never `null`: document `X`, not `X or null`."""
    for prop in schema.get("properties", {}).values():
        choices = prop.get("anyOf")
        if choices and {"type": "null"} in choices and len(choices) == 2:
            prop.update(next(c for c in choices if c != {"type": "null"}))
            del prop["anyOf"]
        if prop.get("default", "") is None:
            del prop["default"]


class Query(Request):
    """Query parameters, each given or not (an empty `?kind=` is a value, and not a kind)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=_absent_not_null)


class Paging(Query):
    limit: Annotated[int, Field(ge=1, le=200, description="Items per page, 1 to 200")] = 50
    cursor: Annotated[str | None, Field(pattern=CURSOR_PATTERN, description="`next` of the previous page")] = None

    def cursor_id(self) -> int | None:
        return int(self.cursor) if self.cursor is not None else None


RegionChoice = Annotated[QueryId | None, Field(description=(
    "Default: your region (with a token), else the oldest active one"))]


ALL_REGIONS = "all"


def _region_filter(value: Any) -> int | str:
    """`?region_id=` of a search: a region's id, or `all` for every region."""
    if value == ALL_REGIONS:
        return ALL_REGIONS
    number = int(value) if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()) else value
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_ID:
        raise _problem(f'must be a region id (1 to {MAX_ID}) or "all"')
    return number


# A search's region: an id, or "all" (every region of the federation). An unknown id finds nothing.
RegionFilter = Annotated[int | str, PlainValidator(_region_filter), WithJsonSchema(
    {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, {"type": "string", "enum": [ALL_REGIONS]}],
     "description": 'A region\'s id, or "all" for every region'})]


class RegionPaging(Paging):
    region_id: RegionChoice = None


class RegionQuery(Query):
    region_id: RegionChoice = None


class OpaquePaging(Query):
    """Lists ordered by month and name page with an opaque cursor, not an id."""

    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str | None, Field(max_length=200)] = None


class IdempotencyKey(Request):
    """The header that makes a money-moving POST safe to retry."""

    idempotency_key: Annotated[str | None, Field(alias="Idempotency-Key", min_length=1, max_length=200)] = None


def money(value: MoneyValue | None) -> dict | None:
    return value.to_json() if value is not None else None


def minor_money(minor: int, currency: str) -> dict:
    return MoneyValue(minor, currency).to_json()


__all__ = ["ALL_REGIONS", "RegionFilter", "Answer", "Cause", "CURRENCIES", "Currency", "Day", "DecimalString", "Decimal", "Effect", "ErrorBody",
           "Flag", "Id", "Name", "Percent", "Rsc", "Text", "Time", "Usd", "With", "cents", "IdempotencyKey", "Moment", "QueryId", "RscIn", "RscOrZeroIn", "UsdIn", "UsdOrZeroIn", "Money", "MoneyIn", "MoneyOrZeroIn", "AmountOrZero", "Month", "OpaquePaging", "Page", "Paging",
           "PositiveAmount", "Query", "RegionChoice", "RegionPaging", "RegionQuery", "Request", "datetime", "minor_money", "money", "text"]
