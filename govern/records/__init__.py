"""Public records: the capital pool over time, region-owned companies' wages and costs, closed
proposals, parameter history, the chain head, the beancount export, and a member's own records.

`service` holds the queries (aggregated in SQL, paged), `tables` turns their results into the
tables a page shows and its CSV/JSON downloads, `exports` writes the ledger as beancount.
"""
