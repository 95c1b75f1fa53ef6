"""docs/scaling.md reads its figures from bench/RESULTS.md: a new benchmark run that changes them
must change the plan too."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITED = ("168 /s", "501 /s", "30,511.6 ms", "11,853.6 ms", "357.9 ms", "178.5 ms", "294.9 ms")


def test_the_scaling_plan_cites_figures_the_benchmark_results_still_show():
    results = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")
    assert [figure for figure in CITED if figure not in results] == []


def test_the_readme_links_the_scaling_plan():
    assert "(docs/scaling.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert (ROOT / "docs" / "scaling.md").exists()
