"""Following delegation chains, as a pure function over the graph (no database here).

Each member who did not vote is counted with the ballot of the first member on their chain who
did. A personal ballot always wins over a delegation. A chain that reaches someone outside the
electorate (a member who left, or who joined after the proposal opened) stops there, and a
cycle of members who did not vote counts no one. One pass with memoisation: every member is
resolved once, however long the chains.
"""
from __future__ import annotations


def resolve(electorate: set[int], voters: set[int], delegate_of: dict[int, int]) -> dict[int, int]:
    """{member who did not vote: the voter whose ballot counts for them}, for those whose chain
    reaches a voter."""
    found: dict[int, int | None] = {voter: voter for voter in voters}
    for start in electorate:
        if start in found:
            continue
        path: list[int] = []
        on_path: set[int] = set()
        member = start
        while member not in found:
            if member not in electorate or member in on_path:
                result = None  # left the electorate, or went round in a circle
                break
            path.append(member)
            on_path.add(member)
            if member not in delegate_of:
                result = None
                break
            member = delegate_of[member]
        else:
            result = found[member]
        for visited in path:
            found[visited] = result
    return {member: voter for member, voter in found.items()
            if voter is not None and member != voter and member in electorate}
