"""JSON API: the federation's figures (public)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer

from govern.apiutil import api_blueprint, endpoint
from govern.extensions import db
from govern.federation import service as federation
from govern.schemas import Answer, Rsc, Usd

bp = api_blueprint("federation_api", __name__)

RATIO_PATTERN = r"^[0-9]+\.[0-9]{4}$"
BackingRatio = Annotated[
    Decimal | None,
    PlainSerializer(lambda ratio: None if ratio is None else str(ratio), return_type=str | None),
    Field(description="The USD reserve over the RSC outstanding at par, a decimal string with four decimals, rounded "
                      "down (\"1.0000\": fully backed); null when no RSC is outstanding (nothing to back)",
          json_schema_extra={"anyOf": [{"type": "string", "pattern": RATIO_PATTERN}, {"type": "null"}]}),
]


class FederationRegion(Answer):
    id: int
    name: str
    status: Literal["active", "dissolved"]
    member_count: int = Field(description="Active members")
    capital_pool: Rsc
    usd_reserve: Usd
    rsc_outstanding: Rsc = Field(description="RSC in circulation that the region issued: minus its issuance account")
    backing_ratio: BackingRatio
    chain_head: str = Field(description="The hash of the ledger's newest entry: every region writes to one hash "
                                        "chain, so every region shows the same head")


class FederationTotals(Answer):
    region_count: int
    member_count: int = Field(description="Active members of every region")
    capital_pool: Rsc
    usd_reserve: Usd
    rsc_outstanding: Rsc
    backing_ratio: BackingRatio
    chain_head: str
    chain_head_entry_id: int = Field(description="The newest entry's id (0 before the first): "
                                                 "GET /records/chain/{entry_id} shows its link")


class FederationAnswer(Answer):
    regions: list[FederationRegion] = Field(description="Every region, oldest first, dissolved ones included")
    totals: FederationTotals = Field(description="Sums over the regions; the ratio is that of the sums")


def federation_answer(found: federation.Federation) -> FederationAnswer:
    regions = [FederationRegion.model_validate(
        {"id": r.id, "name": r.name, "status": r.status, "member_count": r.member_count, "capital_pool": r.capital_pool,
         "usd_reserve": r.usd_reserve, "rsc_outstanding": r.rsc_outstanding, "backing_ratio": r.backing_ratio,
         "chain_head": found.chain_head}) for r in found.regions]
    totals = found.totals
    return FederationAnswer(regions=regions, totals=FederationTotals(
        region_count=found.region_count, member_count=totals.member_count, capital_pool=totals.capital_pool,
        usd_reserve=totals.usd_reserve, rsc_outstanding=totals.rsc_outstanding, backing_ratio=totals.backing_ratio,
        chain_head=found.chain_head, chain_head_entry_id=found.chain_head_entry_id))


@bp.get("/federation")
@endpoint(public=True, answer=FederationAnswer)
def show():
    """Every region's members, capital pool, USD reserve, RSC outstanding and backing ratio, their totals, and the chain head"""
    return federation_answer(federation.federation(db.session))
