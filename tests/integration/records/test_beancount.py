"""The ledger in beancount's format: bean-check accepts it and its balances are Conductor's."""
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data, realization
from sqlalchemy import func, select

from govern.ledger.exchange import member_wallet
from govern.ledger.models import Account, LedgerEntry
from govern.members.models import Member
from govern.records import exports
from tests.integration.records.scenario import PRIVATE_MEMO

BEAN_CHECK = Path(sys.executable).with_name("bean-check")


def export(session, now, reader=exports.FULL) -> str:
    return "".join(exports.beancount(session, now=now, reader=reader))


def load(text: str):
    entries, errors, _ = loader.load_string(text)
    assert errors == [], [error.message for error in errors]
    return entries


def balances_by_account_id(entries) -> dict[int, dict[str, Decimal]]:
    ids = {e.account: int(e.meta["account_id"]) for e in entries if isinstance(e, data.Open)}
    tree = realization.realize(entries)
    found = {}
    for real in realization.iter_children(tree):
        if real.account in ids:
            found[ids[real.account]] = {pos.units.currency: pos.units.number for pos in real.balance}
    return found


def test_the_export_passes_bean_check_and_its_balances_equal_conductors_to_the_cent(session, scenario, now,
                                                                                 tmp_path):
    text = export(session, now)
    target = tmp_path / "ledger.beancount"
    target.write_text(text, encoding="utf-8")
    checked = subprocess.run([str(BEAN_CHECK), str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    balances = balances_by_account_id(load(text))
    accounts = session.execute(select(Account)).scalars().all()
    assert len(balances) == len(accounts)
    for account in accounts:
        exported = balances[account.id].get(account.currency, Decimal(0))
        assert exported * 100 == account.balance, account
        assert set(balances[account.id]) <= {account.currency}


def test_every_entry_is_one_transaction_with_its_cause_in_metadata(session, scenario, now):
    transactions = [e for e in load(export(session, now)) if isinstance(e, data.Transaction)]
    stored = session.execute(select(LedgerEntry).order_by(LedgerEntry.id)).scalars().all()
    assert sorted(int(t.meta["entry_id"]) for t in transactions) == [e.id for e in stored]
    by_id = {int(t.meta["entry_id"]): t for t in transactions}
    for entry in stored:
        exported = by_id[entry.id]
        assert (exported.meta["cause_type"], exported.meta["cause_id"]) == (entry.cause_type, entry.cause_id or "")
        assert (exported.meta["hash"], exported.date) == (entry.hash, entry.created_at.date())
    payroll = by_id[scenario.runs[0].entry_id]
    assert (payroll.meta["cause_type"], payroll.meta["cause_id"]) == ("payroll", str(scenario.runs[0].id))


def test_the_public_export_names_no_member_and_keeps_their_memos_out(session, scenario, now):
    text = export(session, now, exports.reader_for(None))
    people = session.execute(select(Member.name, Member.email)).all()
    assert people
    for name, email in people:
        assert name not in text and email not in text
    assert PRIVATE_MEMO not in text
    assert "Acquisition of Corner Bakery" in text  # an entry between public accounts keeps its memo
    wallet = member_wallet(session, scenario.alice.id)
    assert f"Wallet{wallet.id}" not in text and "open Assets:Private\n" in text
    assert f"open Assets:Members:Wallet{wallet.id} RSC\n  account_id: {wallet.id}\n" in export(session, now)
    assert "open Assets:Regions:R1:CapitalPool RSC" in text and "open Liabilities:Regions:R1:Issuance RSC" in text
    assert "open Equity:Regions:R1:External USD" in text


def test_the_command_line_writes_the_export_and_can_keep_every_memo(app, session, scenario, tmp_path):
    target = tmp_path / "books.beancount"
    result = app.test_cli_runner().invoke(args=["govern", "export-beancount", "--output", str(target), "--all-memos"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert PRIVATE_MEMO in text
    entries = load(text)
    count = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    assert sum(isinstance(e, data.Transaction) for e in entries) == count
    printed = app.test_cli_runner().invoke(args=["govern", "export-beancount"])
    assert printed.exit_code == 0 and PRIVATE_MEMO not in printed.output and "option \"title\"" in printed.output


def test_an_empty_ledger_exports_its_accounts_and_checks(session, region, now):
    entries = load(export(session, now))
    opened = [e for e in entries if isinstance(e, data.Open)]
    assert len(opened) == session.execute(select(func.count()).select_from(Account)).scalar_one()
    assert not any(isinstance(e, data.Transaction) for e in entries)
