"""The treasury: USD enters and leaves the co-op through its bank account, and Conductor trusts
only what the board confirms against the bank (by hand or by an imported statement)."""
