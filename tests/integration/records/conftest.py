"""The records tests run on a region with a history (see scenario.py)."""
import pytest

from tests.integration.records import scenario as story


@pytest.fixture
def scenario(session, region, make_member, propose, now):
    return story.build(session, region, make_member, propose, now)
