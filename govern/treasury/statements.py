"""Reading a bank statement: CSV (`date,amount,reference`, optionally `balance`) or OFX (through
ofxtools, which reads OFX 1 and 2). Pure functions: text in, lines out, or a ValidationError on
`content` that says which line is wrong. Nothing here touches the database.

Each line gets a hash of what the bank says about it, so that the same line imported again (the
same statement twice, or two statements that overlap) is recognised: an OFX line by the bank's own
transaction id (FITID), a CSV line by its date, amount, reference and how many identical lines
came before it in the same statement (two equal transfers on one day are two lines).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ofxtools.Parser import OFXTree, TreeBuilder

from govern.errors import ValidationError
from govern.money import MAX_AMOUNT_TEXT, MAX_MINOR, MINOR_PER_UNIT

MAX_LINES = 5000
_AMOUNT = re.compile(r"^[+-]?[0-9]{1,15}(\.[0-9]{1,2})?$")
MAX_REFERENCE = 300
CSV_COLUMNS = ("date", "amount", "reference")


@dataclass(frozen=True)
class Line:
    posted_on: date
    amount_minor: int  # credits (money in) positive
    reference: str
    bank_id: str
    line_hash: str


@dataclass(frozen=True)
class Statement:
    lines: list[Line]
    closing_balance_minor: int | None
    statement_date: date | None


def _problem(where: str, problem: str) -> ValidationError:
    return ValidationError.for_field("content", f"{where}: {problem}")


def parse_amount(text: str, where: str, *, allow_zero: bool = False) -> int:
    """A signed decimal with at most two decimals (`-12.50`, `+3`, `1000.00`) in cents, never a float."""
    cleaned = text.strip().replace(" ", "")
    if not _AMOUNT.match(cleaned):
        raise _problem(where, f"{text.strip()[:40]!r} is not an amount with at most two decimals, such as -12.50")
    minor = int(Decimal(cleaned) * MINOR_PER_UNIT)
    if abs(minor) > MAX_MINOR:
        raise _problem(where, f"amounts are at most {MAX_AMOUNT_TEXT}")
    if minor == 0 and not allow_zero:
        raise _problem(where, "an amount of zero moves nothing")
    return minor


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _problem(where, f"{text.strip()!r} is not a date such as 2026-11-20") from None


def _reference(text: str | None, where: str) -> str:
    reference = " ".join((text or "").split())
    if len(reference) > MAX_REFERENCE:
        raise _problem(where, f"the reference is longer than {MAX_REFERENCE} characters")
    return reference


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, separators=(",", ":")).encode()).hexdigest()


def content_hash(text: str) -> str:
    """What an import remembers of the whole statement: the hash of its text."""
    return hashlib.sha256(text.encode()).hexdigest()


def _check_count(count: int) -> None:
    if count > MAX_LINES:
        raise ValidationError.for_field("content", f"a statement holds at most {MAX_LINES} lines: split it")


def parse_csv(text: str) -> Statement:
    """A header row naming `date`, `amount` and `reference` (in any order, any case; other columns
    are ignored), then one row per transaction. An optional `balance` column is the balance after
    each row: the last row's is the statement's closing balance."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if header is None:
        raise ValidationError.for_field("content", "the statement is empty")
    names = [name.strip().lower() for name in header]
    missing = [name for name in CSV_COLUMNS if name not in names]
    if missing:
        raise _problem("row 1", f"the header must name {', '.join(CSV_COLUMNS)} (missing: {', '.join(missing)})")
    at = {name: names.index(name) for name in (*CSV_COLUMNS, "balance") if name in names}
    lines: list[Line] = []
    seen: Counter = Counter()
    closing = None
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {number}"
        if len(row) < len(names):
            raise _problem(where, f"expected {len(names)} columns, found {len(row)}")
        _check_count(len(lines) + 1)
        posted_on = _date(row[at["date"]], where)
        amount = parse_amount(row[at["amount"]], where)
        reference = _reference(row[at["reference"]], where)
        if "balance" in at and row[at["balance"]].strip():
            closing = parse_amount(row[at["balance"]], f"{where}, balance", allow_zero=True)
        key = (posted_on.isoformat(), amount, reference)
        seen[key] += 1
        lines.append(Line(posted_on, amount, reference, "", _hash("csv", *key, seen[key])))
    if not lines:
        raise ValidationError.for_field("content", "the statement has no transactions")
    return Statement(lines, closing, max(line.posted_on for line in lines))


MAX_OFX_DEPTH = 32  # a bank statement nests about ten aggregates deep


def ofx_depth(text: str) -> int:
    """How deep the aggregates of an OFX text nest, read the way ofxtools' TreeBuilder reads them
    (a tag with text is a leaf; a tag without is an aggregate, until its end tag), without building
    anything. ofxtools converts the tree recursively: a few hundred thousand nested tags crash the
    process, so such a text never reaches it."""
    depth = deepest = 0
    for match in TreeBuilder.regex.finditer(text):
        tag, has_text, closed = match.group("tag"), match.group("text") or match.group("cdata"), match.group("closetag")
        if tag.startswith("/"):
            depth -= 1
        elif not (has_text and has_text.strip()) and not closed:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def parse_ofx(text: str) -> Statement:
    """An OFX bank statement in USD: its transactions (NAME and MEMO make the reference) and its
    ledger balance (LEDGERBAL) as the closing balance."""
    if ofx_depth(text) > MAX_OFX_DEPTH:
        raise ValidationError.for_field("content", "this is not an OFX statement: its elements nest too deep")
    try:
        tree = OFXTree()
        tree.parse(io.BytesIO(text.encode("utf-8")))
        ofx = tree.convert()
        statements = list(ofx.statements)
    except Exception as error:  # ofxtools raises many kinds (ParseError, ValueError, KeyError …)
        raise ValidationError.for_field("content", f"this is not an OFX statement ofxtools can read "
                                                   f"({type(error).__name__})") from None
    if len(statements) != 1:
        raise ValidationError.for_field("content", f"expected one account statement, found {len(statements)}")
    statement = statements[0]
    if getattr(statement, "curdef", None) != "USD":
        raise ValidationError.for_field("content", f"the statement is in {statement.curdef}, not USD")
    transactions = list(statement.transactions or [])
    _check_count(len(transactions))
    lines = []
    for number, transaction in enumerate(transactions, start=1):
        where = f"transaction {number}"
        posted = transaction.dtposted
        amount = parse_amount(str(transaction.trnamt), where)
        reference = _reference(" ".join(filter(None, (transaction.name, transaction.memo, transaction.refnum))), where)
        bank_id = (transaction.fitid or "").strip()[:100]
        line_hash = _hash("ofx", bank_id) if bank_id else _hash("ofx", posted.date().isoformat(), amount, reference, number)
        lines.append(Line(posted.date(), amount, reference, bank_id, line_hash))
    if not lines:
        raise ValidationError.for_field("content", "the statement has no transactions")
    closing, as_of = None, None
    balance = getattr(statement, "balance", None)
    if balance is not None and balance.balamt is not None:
        closing = parse_amount(str(balance.balamt), "the ledger balance", allow_zero=True)
        as_of = balance.dtasof.date() if isinstance(balance.dtasof, datetime) else None
    return Statement(lines, closing, as_of or max(line.posted_on for line in lines))


PARSERS = {"csv": parse_csv, "ofx": parse_ofx}


def parse(fmt: object, content: object) -> Statement:
    if fmt not in PARSERS:
        raise ValidationError.for_field("format", f"must be one of {', '.join(PARSERS)}")
    if not isinstance(content, str) or not content.strip():
        raise ValidationError.for_field("content", "paste or upload the statement's text")
    return PARSERS[fmt](content)
