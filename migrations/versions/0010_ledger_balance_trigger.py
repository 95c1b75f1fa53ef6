"""ledger balance trigger: on PostgreSQL the database itself refuses, at commit, an entry whose
postings do not sum to zero per currency, or an entry with fewer than two postings.

`ledger.service.post` already refuses such entries; this is the second line of defence, against
a bug in a future caller or someone writing to the tables directly. The checks are constraint
triggers, DEFERRABLE INITIALLY DEFERRED, so they run at COMMIT, when every posting of the entry
has been inserted (a payroll inserts its postings in several batches).

The postings trigger fires once per inserted posting but checks each entry once per transaction:
after checking an entry it remembers (in a transaction-local setting) the entry and the highest
posting id it saw, and skips the entry's postings up to that id. A posting added later in the
same transaction (after `SET CONSTRAINTS ... IMMEDIATE`) has a higher id and is checked again. So
a payroll of 100,000 postings costs one sum over them, not 100,000.

SQLite has no deferred triggers (its triggers run per row, in the middle of a multi-row insert),
so there the balance is enforced by `ledger.service.post` alone and checked by `verify`. UPDATE
and DELETE on entries and postings are refused on both databases by the triggers of
0001_foundation.

Revision ID: 0010_ledger_balance_trigger
Revises: 0009_contributions
Create Date: 2026-11-26 12:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_ledger_balance_trigger'
down_revision = '0009_contributions'
branch_labels = None
depends_on = None


POSTINGS_BALANCED = """
CREATE FUNCTION govern_postings_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    checked text := current_setting('govern.balanced_entry', true);
    unbalanced text;
    newest bigint;
BEGIN
    IF coalesce(checked, '') <> ''
       AND split_part(checked, ':', 1)::bigint = NEW.entry_id
       AND NEW.id <= split_part(checked, ':', 2)::bigint THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(currency, ', ' ORDER BY currency) INTO unbalanced FROM (
        SELECT currency FROM postings WHERE entry_id = NEW.entry_id
        GROUP BY currency HAVING sum(amount) <> 0) AS sums;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger entry % does not sum to zero in %', NEW.entry_id, unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT max(id) INTO newest FROM postings WHERE entry_id = NEW.entry_id;
    PERFORM set_config('govern.balanced_entry', NEW.entry_id || ':' || newest, true);
    RETURN NULL;
END $$
"""

ENTRY_HAS_POSTINGS = """
CREATE FUNCTION govern_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM postings WHERE entry_id = NEW.id LIMIT 2) AS two) < 2 THEN
        RAISE EXCEPTION 'ledger entry % needs at least two postings', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(POSTINGS_BALANCED)
    op.execute("CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION govern_postings_balanced()")
    op.execute(ENTRY_HAS_POSTINGS)
    op.execute("CREATE CONSTRAINT TRIGGER ledger_entries_have_postings AFTER INSERT ON ledger_entries "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION govern_entry_has_postings()")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TRIGGER IF EXISTS ledger_entries_have_postings ON ledger_entries")
    op.execute("DROP FUNCTION IF EXISTS govern_entry_has_postings()")
    op.execute("DROP TRIGGER IF EXISTS postings_balanced ON postings")
    op.execute("DROP FUNCTION IF EXISTS govern_postings_balanced()")
