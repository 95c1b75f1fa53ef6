"""Forms of the facilities pages: they check shape only; the service decides."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
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
    purchase = StringField("Purchase amount (RSC)", validators=[Optional(), Length(max=20)],
                           description="What this unit cost the region. Empty with an item: the item's whole cost.")
    maintenance = StringField("Monthly maintenance (RSC)", validators=[DataRequired(), Length(max=20)])
    market_rate = StringField("Monthly market rate for non-members (RSC)", validators=[Optional(), Length(max=20)],
                              description="Empty: non-members pay the cost without subsidy.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])


class ApplyForm(FlaskForm):
    company_id = SelectField("Apply for", coerce=str, validators=[Optional()])
    message = TextAreaField("Message to the board", validators=[Optional(), Length(max=2000)])


class CostForm(FlaskForm):
    month = StringField("Month (YYYY-MM)", validators=[DataRequired(), Length(max=7)])
    amount = StringField("Amount (RSC)", validators=[DataRequired(), Length(max=20)])
    memo = StringField("What it was", validators=[DataRequired(), Length(max=200)])


class AssignForm(FlaskForm):
    application_id = SelectField("Application", id="assign_application", coerce=str, validate_choice=False,
                                 validators=[DataRequired()])
    start_month = StringField("From month (YYYY-MM)", validators=[Optional(), Length(max=7)],
                              description="Empty: next month.")
    reason = StringField("Reason, if not the first in line", validators=[Optional(), Length(max=500)])
