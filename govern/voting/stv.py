"""Single transferable vote, counted exactly on grouped rankings.

The count follows the Scottish STV rules (SSI 2007/42, rules 46 to 52), a standard
weighted-inclusive-Gregory variant, with one deliberate change: transfer values are exact
fractions instead of being truncated to five decimals, so the count needs no rounding rule and
gives the same result on every machine.

1. Quota (Droop): floor(ballots / (seats + 1)) + 1.
2. First preferences are counted. A candidate at or above the quota is elected (several at
   once in order of their votes).
3. Each stage then does one thing, in this order of precedence:
   a. if the continuing candidates are no more than the seats left, all of them are elected;
   b. else, if an elected candidate still has a surplus (votes above the quota), the largest
      surplus is transferred: every ballot held by that candidate passes on the fraction
      surplus / total of its current value to its next continuing preference (a ballot with
      none left exhausts that part), and the candidate keeps exactly the quota;
   c. else the continuing candidate with the fewest votes is excluded and all its ballots
      pass at their current value to their next continuing preference.
   After the stage, every continuing candidate at or above the quota is elected.
4. Transfers go only to continuing candidates: never to one elected or excluded.

Ties are broken by one fixed, documented order, the same as for instant runoff (see ranked.py):
a candidate with more first preferences is "stronger"; between equal first preferences the one
listed earlier in the rule's options is stronger. The weaker of the candidates tied for fewest
votes is excluded; the stronger of two equal surpluses is transferred first; candidates
elected in the same stage are listed by votes, then strength.

Ballots are (ranking, number of ballots) groups: a million ballots with a hundred distinct
rankings are a hundred parcels, never a million objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

Rankings = list[tuple[tuple[int, ...], int]]


@dataclass(frozen=True)
class Stage:
    """One stage of a count: what was decided and the votes held afterwards."""

    counts: dict[int, Fraction]
    exhausted: Fraction
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    surplus_of: int | None = None
    tie_broken: bool = False


@dataclass(frozen=True)
class Result:
    winners: tuple[int, ...]
    stages: tuple[Stage, ...]
    quota: int


@dataclass
class _Parcel:
    """Identical ballots held by one candidate, each worth `value`; `place` is the holder's rank."""

    ranking: tuple[int, ...]
    ballots: int
    value: Fraction
    place: int


@dataclass
class _Count:
    seats: int
    strength: dict[int, tuple]
    quota: int
    piles: dict[int, list[_Parcel]] = field(default_factory=dict)
    continuing: set[int] = field(default_factory=set)
    elected: list[int] = field(default_factory=list)
    surpluses: list[int] = field(default_factory=list)
    exhausted: Fraction = Fraction(0)
    stages: list[Stage] = field(default_factory=list)

    def total(self, candidate: int) -> Fraction:
        return sum((parcel.value * parcel.ballots for parcel in self.piles[candidate]), Fraction(0))

    def vacancies(self) -> int:
        return self.seats - len(self.elected)

    def send(self, parcel: _Parcel, value: Fraction) -> None:
        """Pass `value` of each of the parcel's ballots to their next continuing preference."""
        for place in range(parcel.place + 1, len(parcel.ranking)):
            candidate = parcel.ranking[place]
            if candidate in self.continuing:
                self.piles[candidate].append(_Parcel(parcel.ranking, parcel.ballots, value, place))
                return
        self.exhausted += value * parcel.ballots

    def elect(self, candidates: list[int]) -> tuple[int, ...]:
        order = sorted(candidates, key=lambda c: (self.total(c), self.strength[c]), reverse=True)
        chosen = order[: self.vacancies()]
        for candidate in chosen:
            self.continuing.discard(candidate)
            self.elected.append(candidate)
            if self.total(candidate) > self.quota:
                self.surpluses.append(candidate)
        return tuple(chosen)

    def elect_reaching_quota(self) -> tuple[int, ...]:
        return self.elect([c for c in self.continuing if self.total(c) >= self.quota])

    def transfer_surplus(self) -> tuple[int, bool]:
        surplus = {c: self.total(c) - self.quota for c in self.surpluses}
        chosen = max(self.surpluses, key=lambda c: (surplus[c], self.strength[c]))
        tied = sum(1 for c in self.surpluses if surplus[c] == surplus[chosen]) > 1
        self.surpluses.remove(chosen)
        share = surplus[chosen] / self.total(chosen)
        for parcel in list(self.piles[chosen]):
            moved = parcel.value * share
            parcel.value -= moved
            self.send(parcel, moved)
        return chosen, tied

    def exclude_lowest(self) -> tuple[int, bool]:
        totals = {c: self.total(c) for c in self.continuing}
        chosen = min(self.continuing, key=lambda c: (totals[c], self.strength[c]))
        tied = sum(1 for c in self.continuing if totals[c] == totals[chosen]) > 1
        self.continuing.discard(chosen)
        for parcel in self.piles.pop(chosen):
            self.send(parcel, parcel.value)
        return chosen, tied

    def record(self, **decisions) -> None:
        held = {c: self.total(c) for c in sorted(self.piles)}
        self.stages.append(Stage(counts=held, exhausted=self.exhausted, **decisions))

    def step(self) -> None:
        if len(self.continuing) <= self.vacancies():
            self.record(elected=self.elect(list(self.continuing)))
        elif self.surpluses:
            chosen, tied = self.transfer_surplus()
            self.record(surplus_of=chosen, tie_broken=tied, elected=self.elect_reaching_quota())
        else:
            chosen, tied = self.exclude_lowest()
            self.record(excluded=(chosen,), tie_broken=tied, elected=self.elect_reaching_quota())


def droop_quota(ballots: int, seats: int) -> int:
    return ballots // (seats + 1) + 1


def single_transferable_vote(rankings: Rankings, candidates: int, seats: int, strength: dict[int, tuple]) -> Result:
    """Elect `seats` of candidates 0..candidates-1; `strength[c]` orders candidates for ties."""
    if not 1 <= seats <= candidates:
        raise ValueError("seats must be between 1 and the number of candidates")
    count = _Count(
        seats=seats,
        strength=strength,
        quota=droop_quota(sum(ballots for _, ballots in rankings), seats),
        piles={c: [] for c in range(candidates)},
        continuing=set(range(candidates)),
    )
    for ranking, ballots in rankings:
        count.piles[ranking[0]].append(_Parcel(ranking, ballots, Fraction(1), 0))
    count.record(elected=count.elect_reaching_quota())
    while count.vacancies() > 0:
        count.step()
    return Result(winners=tuple(count.elected), stages=tuple(count.stages), quota=count.quota)
