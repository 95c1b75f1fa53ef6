"""Forms of the facilities pages: they check shape only; the service decides."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from govern.facilities.models import KINDS


class FacilityForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)],
                       description="For example “Flat 2B, 14 Mill Street”.")
    kind = SelectField("Kind", choices=[SelectChoice(k, k.capitalize()) for k in KINDS])
    inventory_item_id = SelectField("Part of this inventory item", coerce=str, validators=[Optional()],
                                    description="A building or housing the region holds; its units never add up to "
                                                "more than it cost.")
    locality = StringField("Locality", validators=[Optional(), Length(max=100)],
                           description="The town or county it is in, for a unit not part of an item (a unit of an "
                                       "item goes where its item goes if the region ever splits).")
    purchase = StringField("Purchase amount (RSC)", validators=[Optional(), Length(max=20)],
                           description="What this unit cost the region. Empty with an item: the item's whole cost.")
    maintenance = StringField("Monthly maintenance (RSC)", validators=[DataRequired(), Length(max=20)])
    market_rate = StringField("Monthly market rate for non-members (RSC)", validators=[Optional(), Length(max=20)],
                              description="Empty: non-members pay the cost without subsidy.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])


class ApplyForm(FlaskForm):
    company_id = SelectField("Apply for", coerce=str, validators=[Optional()])
    message = TextAreaField("Message to the board", validators=[Optional(), Length(max=2000)])


def _payee_fields(prefix: str) -> tuple:
    """Who the capital pool pays: a co-op company, or a supplier outside the co-op (ids prefixed, so
    two such forms on one page keep their labels apart)."""
    return (IntegerField("Co-op company number", id=f"{prefix}_company_id", validators=[Optional()],
                         description="A company of the region; its account receives the RSC."),
            StringField("Or a supplier outside the co-op", id=f"{prefix}_supplier",
                        validators=[Optional(), Length(max=200)],
                        description="Paid in USD from the co-op's bank account by the board (a payout)."),
            TextAreaField("The supplier's bank details", id=f"{prefix}_pay_to", validators=[Optional(), Length(max=500)],
                          description="For the board's transfer; not shown publicly."))


class CostForm(FlaskForm):
    month = StringField("Month (YYYY-MM)", validators=[DataRequired(), Length(max=7)])
    amount = StringField("Amount (RSC)", validators=[DataRequired(), Length(max=20)])
    memo = StringField("What it was", validators=[DataRequired(), Length(max=200)])
    company_id, supplier, pay_to = _payee_fields("cost")


class MaintainerForm(FlaskForm):
    """Who is paid the monthly maintenance."""

    company_id, supplier, pay_to = _payee_fields("maintainer")


class AssignForm(FlaskForm):
    application_id = SelectField("Application", id="assign_application", coerce=str, validate_choice=False,
                                 validators=[DataRequired()])
    start_month = StringField("From month (YYYY-MM)", validators=[Optional(), Length(max=7)],
                              description="Empty: next month.")
    reason = StringField("Reason, if not the first in line", validators=[Optional(), Length(max=500)])
