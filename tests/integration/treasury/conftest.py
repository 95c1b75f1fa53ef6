"""A region with a board member and two members, for the treasury's services."""
from __future__ import annotations

import pytest

from govern.members import service as members
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def board(make_member):
    return make_member(name="Bea Board", board=True)


@pytest.fixture
def bob(make_member):
    return make_member(name="Bob")


@pytest.fixture
def other_region_board(session, now):
    """A board member of another region: the treasury of this one is none of their business."""
    from govern.regions import service as regions

    hillside = regions.create_region(session, "Hillside", now)
    return members.join(session, email="hill@example.org", name="Hill Board", password=TEST_PASSWORD,
                        region_id=hillside.id, board=True, now=now)
