"""Server-rendered SVG bar charts of a tally: readable without JavaScript, with the numbers
also given as a table next to them (see templates/proposals/_tally.html)."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 170
CHART_WIDTH = 560


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    value_heading: str = "Count"

    @property
    def svg(self) -> Markup:
        return render_svg(self)


def render_svg(chart: Chart) -> Markup:
    largest = max((bar.value for bar in chart.bars), default=0) or 1
    height = len(chart.bars) * (BAR_HEIGHT + GAP) + GAP
    span = CHART_WIDTH - LABEL_WIDTH - 80
    parts = [f'<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {CHART_WIDTH} {height}" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(chart.title)}</title>']
    for index, bar in enumerate(chart.bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = max(2, round(span * bar.value / largest)) if bar.value else 0
        parts.append(
            f'<text x="0" y="{y + BAR_HEIGHT * 0.68:.0f}" class="chart-label">{escape(bar.label[:28])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="4" class="chart-bar"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT * 0.68:.0f}" class="chart-value">'
            f'{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


_FIXED_CHOICES = {
    "yes_no": (("yes", "Yes"), ("no", "No"), ("abstain", "Abstain")),
    "consensus": (("agree", "Agree"), ("block", "Block"), ("abstain", "Stand aside")),
}


def tally_chart(rule, tally: dict) -> Chart | None:
    """The chart for a tally as `govern.voting` reports it, per method."""
    method = tally.get("method", rule.method)
    labels = {option.id: option.label for option in rule.options}
    if method in _FIXED_CHOICES:
        bars = [Bar(label, tally.get(key, 0), str(tally.get(key, 0))) for key, label in _FIXED_CHOICES[method]]
        return Chart(f"Ballots: {tally.get('ballots', 0)} of {tally.get('electorate', 0)} voters", bars)
    if method in ("approval", "cumulative"):
        scores = tally.get("scores", {})
        unit = "approvals" if method == "approval" else "points"
        bars = [Bar(labels.get(key, key), value, str(value)) for key, value in scores.items()]
        return Chart(f"{unit.capitalize()} per option", bars, value_heading=unit.capitalize())
    if method == "ranked":
        firsts = tally.get("first_preferences", {})
        bars = [Bar(labels.get(key, key), value, str(value)) for key, value in firsts.items()]
        return Chart("First preferences", bars)
    if method in ("median", "mean") and tally.get(method) is not None:
        points = (("Lowest ballot", tally.get("lowest")), (method.capitalize(), tally.get(method)),
                  ("Highest ballot", tally.get("highest")))
        bars = [Bar(label, float(value), value) for label, value in points if value is not None]
        return Chart(f"The {method} of {tally.get('ballots', 0)} ballots", bars, value_heading="Value")
    return None
