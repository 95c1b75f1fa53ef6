"""The double-entry ledger: the single source of truth for money. `service.post` is the only writer."""
