"""The capital pool's balance as a server-rendered SVG step chart (the shared step chart of the
wage pages): readable without JavaScript, its numbers given as the table next to it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from govern.money import format_minor
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


# --- money in and out of the pool, by cause --------------------------------------------------

FLOW_WIDTH = 560
FLOW_LABEL = 250
FLOW_ROW = 34
FLOW_TOP = 8


@dataclass(frozen=True)
class FlowChart:
    """A server-rendered SVG of what each kind of cause brought in (to the right of the middle line)
    and took out (to the left), on one scale; the same figures are in the table beside it."""

    title: str
    rows: tuple[tuple[str, int, int], ...]  # (label, money in, money out ≤ 0)

    @property
    def svg(self) -> Markup:
        largest = max([max(i, -o) for _, i, o in self.rows] + [1])
        half = (FLOW_WIDTH - FLOW_LABEL - 20) / 2
        middle = FLOW_LABEL + half
        height = FLOW_TOP * 2 + FLOW_ROW * len(self.rows) + 18
        parts = [f'<svg class="chart" role="img" aria-labelledby="flow-title" viewBox="0 0 {FLOW_WIDTH} {height}" '
                 f'width="{FLOW_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
                 f'<title id="flow-title">{escape(self.title)}</title>']
        for index, (label, money_in, money_out) in enumerate(self.rows):
            y = FLOW_TOP + index * FLOW_ROW
            parts.append(f'<text class="chart-label" x="{FLOW_LABEL - 8}" y="{y + 21}" text-anchor="end">'
                         f'{escape(_short(label))}</text>')
            if money_in:
                width = max(half * money_in / largest, 1.5)
                parts.append(f'<rect class="chart-in" x="{middle:.1f}" y="{y + 6}" width="{width:.1f}" height="20">'
                             f'<title>{escape(label)}: in {escape(format_minor(money_in))} RSC</title></rect>')
            if money_out:
                width = max(half * -money_out / largest, 1.5)
                parts.append(f'<rect class="chart-out" x="{middle - width:.1f}" y="{y + 6}" width="{width:.1f}" '
                             f'height="20"><title>{escape(label)}: out {escape(format_minor(-money_out))} RSC'
                             f'</title></rect>')
        bottom = FLOW_TOP + FLOW_ROW * len(self.rows)
        parts.append(f'<line class="chart-axis" x1="{middle:.1f}" x2="{middle:.1f}" y1="{FLOW_TOP}" y2="{bottom}"/>')
        parts.append(f'<text class="chart-tick" x="{middle - 6:.1f}" y="{bottom + 14}" text-anchor="end">← out</text>')
        parts.append(f'<text class="chart-tick" x="{middle + 6:.1f}" y="{bottom + 14}">in →</text>')
        parts.append("</svg>")
        return Markup("".join(parts))


def _short(label: str, length: int = 30) -> str:
    return label if len(label) <= length else label[:length - 1] + "…"


def flow_chart(history: service.PoolHistory, label_of) -> FlowChart | None:
    if not history.flows:
        return None
    rows = tuple((label_of(f.cause_type), f.money_in, f.money_out) for f in history.flows)
    return FlowChart(f"Money into and out of the capital pool by cause, since {history.since:%Y-%m-%d}, in RSC", rows)
