"""The checks run on every page catch what they are meant to catch (and pass a clean page)."""
from tests.browser.conftest import _OVERFLOW, _PAGE_CHECKS

CLEAN = """<h1>Title</h1>
<label for="a">A</label><input id="a">
<label>B <select name="b"><option>1</option></select></label>
<textarea aria-label="C"></textarea><input type="hidden" name="csrf_token">
<img src="data:," alt=""><svg role="img" aria-labelledby="t"><title id="t">A chart</title></svg>
<svg aria-hidden="true"></svg>"""

BROKEN = """<h1>One</h1><h1>Two</h1>
<section id="hours"><label for="hours">Hours</label><input id="hours" name="hours"></section>
<input name="nameless"><img src="data:,"><svg><rect width="5" height="5"/></svg>
<div class="wide" style="width: 600px">too wide</div>"""


def test_the_page_checks_find_each_kind_of_problem_and_pass_a_clean_page(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_content(CLEAN)
    assert page.evaluate(_PAGE_CHECKS) == []
    assert page.evaluate(_OVERFLOW, 390) is None

    page.set_content(BROKEN)
    problems = "\n".join(page.evaluate(_PAGE_CHECKS))
    assert "2 <h1> elements" in problems
    assert "input#hours[name=hours][type=text] has no label (its id is used 2 times" in problems
    assert "input[name=nameless][type=text] has no label" in problems
    assert "has no alt text" in problems
    assert 'an <svg> without role="img"' in problems
    overflow = page.evaluate(_OVERFLOW, 390)
    assert overflow["width"] > 390 and "div.wide reaches" in overflow["culprits"][0]
