"""The capital pool's balance as a server-rendered SVG step chart (the shared step chart of the
wage pages): readable without JavaScript, its numbers given as the table next to it."""
from __future__ import annotations

from datetime import datetime

from govern.records import service
from govern.wages.charts import Series, Step, StepChart


def pool_chart(history: service.PoolHistory, now: datetime) -> StepChart | None:
    """Each period's closing balance, drawn from the period's start; the chart begins with the
    first period that moved (a young pool is not drawn as two flat years)."""
    if not history.periods:
        return None  # a later page, or no movement in the window
    steps = [Step(max(history.since, service.period_start(history.periods[0].period)), history.opening)]
    steps += [Step(service.period_start(p.period), p.closing) for p in history.periods]
    until = max(now, steps[-1].at)
    title = f"Capital pool balance by {history.grouping}, in RSC"
    return StepChart(title, (Series("Capital pool (RSC)", tuple(steps)),), until)
