"""How a change of the wage table reaches one worker: the original design's decay rule.

Pure: table changes in, a wage in cents out. Whole days, UTC dates.

* A worker gets the table wage in force when they were hired, at once (a new hire is never
  on an old wage). Changes made at or before `hired_at` count as in force at hire.
* A raise applies at once: when the table's new wage W1 is at least the wage the worker has
  that day, they get W1 from that day on.
* A cut, to W1 below the worker's wage W0 that day (the cut's date, d): they keep W0 until
  d + D days, then get W0 − (W0 − W1) × (days past d + D) / L, until that reaches W1 on day
  d + D + L. D and L are the cut's own delay and decay; D = L = 0 cuts on d itself.
* A new cut while one is decaying starts from the wage as it stands that day (its W0), with
  its own D and L. So does a table "raise" that is still below what a decaying worker has:
  for that worker it is a cut from their current wage, never a sudden drop.
* A change that leaves the table wage as it was (the same figure voted again) changes
  nothing for anybody; it does not restart a decay.
* Rounding: the decaying wage is rounded half up to the cent; W0 and W1 are cents already.
* A kept wage (an acquired business's employee joins at their previous wage): the worker starts
  on that wage at hire, whatever the table said then; the table's later changes reach them as
  above, a raise at once when it is at least what they have, a cut through the delay and decay.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Iterable

HALF = Fraction(1, 2)


@dataclass(frozen=True)
class TableChange:
    """The table wage for one occupation (and industry) changed at `at` to `wage` cents."""

    at: datetime
    wage: int
    delay_days: int
    decay_days: int


@dataclass(frozen=True)
class Schedule:
    """A worker's wage from `cut_on` on: `start` until the delay ends, then down to `target`."""

    start: int
    target: int
    cut_on: date
    delay_days: int = 0
    decay_days: int = 0

    @classmethod
    def constant(cls, wage: int, since: date) -> "Schedule":
        return cls(wage, wage, since)

    def on(self, day: date) -> int:
        decay_starts = self.cut_on + timedelta(days=self.delay_days)
        if day < decay_starts:
            return self.start
        past = (day - decay_starts).days
        if past >= self.decay_days:
            return self.target
        exact = self.start - Fraction((self.start - self.target) * past, self.decay_days)
        return math.floor(exact + HALF)


def schedule_for(changes: Iterable[TableChange], hired_at: datetime, day: date,
                 kept: int | None = None) -> Schedule | None:
    """The schedule the worker is on for `day`, from the table's changes in the order they
    were made; None when the table had no wage for them by that day (and they keep none)."""
    schedule = None if kept is None else Schedule.constant(kept, hired_at.date())
    table_wage: int | None = None
    for change in changes:
        changed_on = change.at.date()
        if changed_on > day:
            break
        if change.wage == table_wage:
            continue
        table_wage = change.wage
        if change.at <= hired_at:
            if kept is None:
                schedule = Schedule.constant(change.wage, changed_on)
            continue
        if schedule is None:
            schedule = Schedule.constant(change.wage, changed_on)
            continue
        current = schedule.on(changed_on)
        if change.wage >= current:
            schedule = Schedule.constant(change.wage, changed_on)
        else:
            schedule = Schedule(current, change.wage, changed_on, change.delay_days, change.decay_days)
    return schedule


def wage_on(changes: Iterable[TableChange], hired_at: datetime, day: date, kept: int | None = None) -> int | None:
    """The hourly wage in cents a worker hired at `hired_at` (keeping `kept` from then, if they
    keep a wage) gets on `day`."""
    schedule = schedule_for(changes, hired_at, day, kept)
    return None if schedule is None else schedule.on(day)
