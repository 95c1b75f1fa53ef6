"""A region founded from another's template: `govern init --from-region` and the service behind it
(the board's page is in tests/functional/test_region_founding_pages.py)."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import govern.wages.kinds  # noqa: F401  registers the wage kinds and the factor parameters
from govern.errors import Conflict, Forbidden, NotFound, ValidationError
from govern.members.models import Member
from govern.proposals import constitution
from govern.regions import founding, service as regions
from govern.regions.models import ParameterChange, Region
from govern.wages import service as wages
from govern.wages.models import Industry, Occupation


def occupations(session, region_id):
    return [(o.name, o.label, o.need, o.skill, o.stress, o.danger, o.industry_weight, o.productivity_range)
            for o in session.execute(select(Occupation).where(Occupation.region_id == region_id)
                                     .order_by(Occupation.name)).scalars()]


def industries(session, region_id):
    return [(i.name, i.label, i.need) for i in session.execute(
        select(Industry).where(Industry.region_id == region_id).order_by(Industry.name)).scalars()]


def table(session, region_id):
    return sorted((r.rate.occupation, r.rate.industry or "", r.rate.hourly_wage_minor, r.rate.reduction_delay_days,
                   r.rate.reduction_decay_days) for r in wages.current_table(session, region_id, limit=200))


@pytest.fixture
def riverside(session, region, now):
    """A region that has voted things: taxes, a stricter constitution, factors and a wage table
    (one wage voted twice)."""
    for name, value in (("income_tax_rate", "0.05"), ("sales_tax_rate", "0.01"), ("quorum.split", "0.5"),
                        ("threshold.dissolution", "three_quarters"), ("min_voting_days.referendum", "3"),
                        ("occupation.welder.skill", "0.8"), ("industry.shipbuilding.need", "0.9")):
        regions.set_parameter(session, region.id, name, value, cause_type="test", cause_id=None, now=now)
    wages.set_wage(session, region.id, "welder", None, 2000, now=now, cause_type="test", cause_id=None)
    wages.set_wage(session, region.id, "welder", None, 2200, now=now + timedelta(hours=1), cause_type="test",
                   cause_id=None)
    wages.set_wage(session, region.id, "welder", "shipbuilding", 2600, now=now, cause_type="test", cause_id=None,
                   reduction_delay_days=10, reduction_decay_days=20)
    wages.set_wage(session, region.id, "nurse", None, 2400, now=now, cause_type="test", cause_id=None)
    return region


def test_a_region_from_a_template_starts_with_its_parameters_constitution_wage_table_and_factors(
        session, riverside, now):
    later = now + timedelta(days=1)
    hilltop = founding.create_from_template(session, riverside.id, "Hilltop", later)
    assert hilltop.template_id == riverside.id and hilltop.parent_id is None
    assert regions.all_parameters(session, hilltop.id) == regions.all_parameters(session, riverside.id)
    assert constitution.constitution(session, hilltop.id) == constitution.constitution(session, riverside.id)
    assert regions.all_parameters(session, hilltop.id)["quorum.split"] == "0.5"
    assert occupations(session, hilltop.id) == occupations(session, riverside.id)
    assert regions.parameter(session, hilltop.id, "occupation.welder.skill") == regions.parameter(
        session, riverside.id, "occupation.welder.skill")
    assert industries(session, hilltop.id) == industries(session, riverside.id) == [
        ("shipbuilding", "Shipbuilding", "0.9")]
    assert table(session, hilltop.id) == table(session, riverside.id)
    # The table starts its own history: one row each, from the founding, caused by the template.
    assert [(r.hourly_wage_minor, r.effective_from, r.cause_type, r.cause_id)
            for r in wages.history(session, hilltop.id, "welder", None)] == [(2200, later, "template", str(riverside.id))]
    causes = session.execute(select(ParameterChange.cause_type, func.count()).where(
        ParameterChange.region_id == hilltop.id).group_by(ParameterChange.cause_type)).all()
    assert dict(causes) == {"template": 5}  # each value the template set, recorded; the factors live on their rows
    # Nobody and nothing else comes along.
    assert regions.summary(session, hilltop.id).member_count == 0
    assert regions.board_members(session, hilltop.id) == []
    assert regions.summary(session, hilltop.id).capital_pool == 0


def test_each_region_changes_its_own_set_up_afterwards(session, riverside, now):
    hilltop = founding.create_from_template(session, riverside.id, "Hilltop", now)
    regions.set_parameter(session, riverside.id, "income_tax_rate", "0.07", cause_type="test", cause_id=None, now=now)
    wages.set_wage(session, riverside.id, "nurse", None, 2500, now=now + timedelta(hours=2), cause_type="test",
                   cause_id=None)
    regions.set_parameter(session, hilltop.id, "occupation.welder.skill", "0.3", cause_type="test", cause_id=None,
                          now=now)
    assert regions.all_parameters(session, hilltop.id)["income_tax_rate"] == "0.05"
    assert wages.current_wage(session, hilltop.id, "nurse", None).hourly_wage_minor == 2400
    assert str(regions.parameter(session, riverside.id, "occupation.welder.skill")) == "0.8"


def test_the_founding_parameters_override_the_templates(session, riverside, now):
    hilltop = founding.create_from_template(session, riverside.id, "Hilltop", now,
                                            founding={"income_tax_rate": "0.03", "quorum.split": "0.6"})
    values = regions.all_parameters(session, hilltop.id)
    assert (values["income_tax_rate"], values["quorum.split"], values["sales_tax_rate"]) == ("0.03", "0.6", "0.01")


def test_an_unknown_or_dissolved_template_or_a_taken_name_founds_nothing(session, riverside, now):
    with pytest.raises(NotFound):
        founding.create_from_template(session, 999, "Hilltop", now)
    gone = regions.create_region(session, "Oldtown", now)
    gone.status = "dissolved"
    session.commit()
    with pytest.raises(Conflict):
        founding.create_from_template(session, gone.id, "Hilltop", now)
    with pytest.raises(ValidationError) as error:
        founding.create_from_template(session, riverside.id, "Oldtown", now)
    assert "name" in error.value.fields
    assert session.execute(select(func.count()).select_from(Region)).scalar_one() == 2


def test_only_a_board_member_founds_a_region_from_their_own(session, riverside, make_member, now):
    newcomer = make_member()
    with pytest.raises(Forbidden):
        founding.found_by_board(session, newcomer, "Hilltop", now)
    board = make_member(board=True)
    hilltop = founding.found_by_board(session, board, "Hilltop", now)
    assert hilltop.template_id == riverside.id
    assert session.get(Member, board.id).region_id == riverside.id  # the founder stays where they are


# --- the command line --------------------------------------------------------------------------

def init(runner, *args):
    return runner.invoke(args=["govern", "init", "--region", "Hilltop", *args])


def test_init_from_a_region_copies_its_template_and_may_start_without_a_board(runner, session, riverside):
    result = init(runner, "--from-region", str(riverside.id))
    assert result.exit_code == 0, result.output
    assert "from the template of region" in result.output and "no board yet" in result.output
    hilltop = regions.find_region_by_name(session, "Hilltop")
    assert hilltop.template_id == riverside.id
    assert regions.all_parameters(session, hilltop.id) == regions.all_parameters(session, riverside.id)
    assert table(session, hilltop.id) == table(session, riverside.id)
    assert session.execute(select(func.count()).select_from(Member).where(Member.region_id == hilltop.id)).scalar_one() == 0
    again = init(runner, "--from-region", str(riverside.id))
    assert again.exit_code == 0 and "already set up" in again.output
    assert session.execute(select(func.count()).select_from(Region)).scalar_one() == 2


def test_init_from_a_region_with_a_board_and_a_parameters_file(runner, session, riverside, tmp_path):
    path = tmp_path / "hilltop.json"
    path.write_text(json.dumps({"income_tax_rate": "0.03", "threshold.dissolution": "two_thirds"}))
    result = init(runner, "--from-region", str(riverside.id), "--parameters", str(path),
                  "--board-email", "chair@hilltop.org", "--board-password", "plum-heron-lantern-7")
    assert result.exit_code == 0, result.output
    hilltop = regions.find_region_by_name(session, "Hilltop")
    values = regions.all_parameters(session, hilltop.id)
    assert (values["income_tax_rate"], values["threshold.dissolution"], values["sales_tax_rate"],
            values["quorum.split"]) == ("0.03", "two_thirds", "0.01", "0.5")
    assert [name for _, name in regions.board_members(session, hilltop.id)] == ["Board"]


@pytest.mark.parametrize("template, words", [("999", "There is no region 999"), ("dissolved", "is dissolved")])
def test_init_from_an_unknown_or_dissolved_region_says_so_in_one_line_and_creates_nothing(
        runner, session, riverside, now, template, words):
    if template == "dissolved":
        gone = regions.create_region(session, "Oldtown", now)
        gone.status = "dissolved"
        session.commit()
        template = str(gone.id)
    regions_before = session.execute(select(func.count()).select_from(Region)).scalar_one()
    result = init(runner, "--from-region", template, "--board-email", "chair@hilltop.org",
                  "--board-password", "plum-heron-lantern-7")
    assert result.exit_code == 1
    assert words in result.output and len(result.output.strip().splitlines()) == 1
    assert session.execute(select(func.count()).select_from(Region)).scalar_one() == regions_before
    assert session.execute(select(Member)).scalars().all() == []


def test_init_of_an_existing_region_from_another_template_is_refused(runner, session, riverside, now):
    regions.create_region(session, "Hilltop", now)
    result = init(runner, "--from-region", str(riverside.id))
    assert result.exit_code == 1 and "change only by proposals" in result.output
    assert session.get(Region, regions.find_region_by_name(session, "Hilltop").id).template_id is None


def test_init_without_a_template_still_needs_a_board(runner, session):
    result = init(runner)
    assert result.exit_code != 0 and "--board-email" in result.output
    assert session.execute(select(Region)).scalars().all() == []
