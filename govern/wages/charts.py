"""A server-rendered SVG step chart of hourly wages over time, in the spirit of
proposals/charts.py: an image with a title, readable without JavaScript, the numbers also
given as a table next to it (see templates/wages/occupation.html). Each series is a step line
(a wage holds until the next decision); lines differ in dash pattern as well as colour."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from govern.money import format_minor

WIDTH = 560
PLOT_HEIGHT = 200
LEFT = 70
RIGHT = 20
TOP = 16
AXIS_SPACE = 34
LEGEND_ROW = 22
STYLES = 4  # .chart-line-0 … .chart-line-3 in style.css


@dataclass(frozen=True)
class Step:
    at: datetime
    minor: int


@dataclass(frozen=True)
class Series:
    label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class StepChart:
    title: str
    series: tuple[Series, ...]
    until: datetime  # the right edge: the last wage holds until then

    @property
    def svg(self) -> Markup:
        return render_svg(self)


@dataclass(frozen=True)
class _Scale:
    start: datetime
    end: datetime
    top: int

    def x(self, moment: datetime) -> float:
        span = (self.end - self.start).total_seconds()
        return LEFT + (WIDTH - LEFT - RIGHT) * (moment - self.start).total_seconds() / span

    def y(self, minor: int) -> float:
        return TOP + PLOT_HEIGHT - PLOT_HEIGHT * minor / self.top


def _scale(chart: StepChart) -> _Scale:
    steps = [step for series in chart.series for step in series.steps]
    start = min(step.at for step in steps)
    end = max(chart.until, max(step.at for step in steps), start + timedelta(days=1))
    return _Scale(start, end, _nice_top(max(step.minor for step in steps)))


def _nice_top(highest: int) -> int:
    """The axis top: the first of 1, 2, 2.5, 5 × a power of ten at least 10% above the highest
    wage, so the ticks read as round figures (3740 -> 5000, i.e. 50.00 with 25.00 halfway)."""
    target = max(100, highest + highest // 10)
    magnitude = 10 ** (len(str(target)) - 1)
    return next(m * magnitude // 2 for m in (2, 4, 5, 10, 20) if m * magnitude // 2 >= target)


def _path(series: Series, scale: _Scale) -> str:
    steps = sorted(series.steps, key=lambda step: step.at)
    parts = [f"M{scale.x(steps[0].at):.1f} {scale.y(steps[0].minor):.1f}"]
    for step in steps[1:]:
        parts.append(f"H{scale.x(step.at):.1f} V{scale.y(step.minor):.1f}")
    parts.append(f"H{scale.x(scale.end):.1f}")
    return " ".join(parts)


def _axes(scale: _Scale) -> list[str]:
    bottom = TOP + PLOT_HEIGHT
    parts = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" class="chart-axis"/>',
             f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" class="chart-axis"/>']
    for minor in (0, scale.top // 2, scale.top):
        parts.append(f'<text x="{LEFT - 6}" y="{scale.y(minor) + 4:.1f}" text-anchor="end" class="chart-tick">'
                     f'{format_minor(minor)}</text>')
    for moment, anchor in ((scale.start, "start"), (scale.end, "end")):
        parts.append(f'<text x="{scale.x(moment):.1f}" y="{bottom + 20}" text-anchor="{anchor}" class="chart-tick">'
                     f'{moment:%Y-%m-%d}</text>')
    return parts


def render_svg(chart: StepChart) -> Markup:
    series = [s for s in chart.series if s.steps]
    if not series:
        return Markup("")
    scale = _scale(StepChart(chart.title, tuple(series), chart.until))
    height = TOP + PLOT_HEIGHT + AXIS_SPACE + LEGEND_ROW * len(series)
    parts = [f'<svg class="chart" role="img" aria-labelledby="wage-chart-title" viewBox="0 0 {WIDTH} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="wage-chart-title">{escape(chart.title)}</title>',
             *_axes(scale)]
    for index, line in enumerate(series):
        style = f"chart-line chart-line-{index % STYLES}"
        parts.append(f'<path d="{_path(line, scale)}" class="{style}"/>')
        y = TOP + PLOT_HEIGHT + AXIS_SPACE + LEGEND_ROW * index + 10
        parts.append(f'<line x1="{LEFT}" y1="{y - 4}" x2="{LEFT + 30}" y2="{y - 4}" class="{style}"/>'
                     f'<text x="{LEFT + 38}" y="{y}" class="chart-label">{escape(line.label[:60])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
