"""The federation: every region's public figures side by side (members, pool, reserve, RSC
outstanding, backing) with their totals, and the one hash chain they all write to."""
