"""Pages: an account's history, paged, newest first."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from govern.apiutil import page_params
from govern.extensions import db
from govern.ledger import service as ledger
from govern.ledger.models import LedgerEntry
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import account_visible_to, region_account
from govern.proposals import presenters

bp = Blueprint("ledger", __name__)


@bp.get("/accounts/<int:account_id>")
def account(account_id: int):
    viewer = current_user if current_user.is_authenticated else None
    account = account_visible_to(db.session, account_id, viewer)
    cursor, limit = page_params()
    entries = ledger.entries_for_account(db.session, account.id, before=cursor, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return render_template("ledger/account.html", account=account, entries=entries,
                           amounts=ledger.amounts_on_account(db.session, account.id, [e.id for e in entries]),
                           crossings=ledger.crossings(db.session, entries),
                           next_cursor=entries[-1].id if more else None)


@bp.get("/verify")
def verify():
    return render_template("ledger/verify.html", report=ledger.verify(db.session), head=ledger.chain_head(db.session))


def _entries(session, ids, viewer):
    """An entry a proposal posted links to the capital pool's history, where it is listed."""
    rows = session.query(LedgerEntry).filter(LedgerEntry.id.in_([int(i) for i in ids])).all()
    return {str(e.id): (f"Ledger entry #{e.id}: {e.memo}",
                        url_for("ledger.account", account_id=region_account(session, e.region_id, CAPITAL_POOL).id)
                        if e.region_id else url_for("ledger.verify")) for e in rows}


presenters.register_effect("entry", _entries)
