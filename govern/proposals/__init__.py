"""Proposals: the lifecycle from open to executed, ballots, and the registry of kinds.

Domain areas register their kinds (`kinds.register`) and electorates; this package never
imports them.
"""
