"""Company forms: shape only."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class CompanyForm(FlaskForm):
    name = StringField("Company name", validators=[DataRequired(), Length(max=120)])
    industry = StringField("Industry", validators=[DataRequired(), Length(max=60)],
                           description="For example: bicycle repair, bakery, software.")


class WorkerForm(FlaskForm):
    member = StringField("Member", id="worker_member", validators=[DataRequired(), Length(max=140)],
                         description="Type part of their name and pick them from the list (or their member number).")
    occupation = StringField("Occupation", validators=[DataRequired(), Length(max=60)])
    hourly_rate = StringField("Hourly rate (RSC)", validators=[Optional(), Length(max=20)],
                              description="Leave empty to keep the worker without a rate for now.")
    productivity = StringField("Productivity (0 to 1)", validators=[Optional(), Length(max=10)],
                               description="Moves the wage table's wage within the occupation's range: 0.5 is the "
                                           "table's wage. Empty: unchanged.")
    admin = BooleanField("Company admin")


class IncomeForm(FlaskForm):
    amount = StringField("Amount received (USD)", validators=[DataRequired(), Length(max=20)])
    memo = StringField("What for", validators=[Optional(), Length(max=200)])


class HoursForm(FlaskForm):
    member_id = SelectField("Worker", id="hours_member_id", coerce=int)
    period_start = DateField("From", id="hours_period_start", validators=[DataRequired()])
    period_end = DateField("To (included)", id="hours_period_end", validators=[DataRequired()])
    hours = StringField("Hours", id="hours_worked", validators=[DataRequired(), Length(max=10)],
                        description="For example 7.5")


class PayrollForm(FlaskForm):
    period_start = DateField("From", id="payroll_period_start", validators=[DataRequired()])
    period_end = DateField("To (included)", id="payroll_period_end", validators=[DataRequired()])


class ScheduleForm(FlaskForm):
    pay_schedule = SelectField("Pay schedule", choices=[
        SelectChoice("none", "By hand only"), SelectChoice("weekly", "Every week"),
        SelectChoice("biweekly", "Every two weeks"), SelectChoice("monthly", "Every month")])
    schedule_start = DateField("First day of the first period", validators=[Optional()])


class AutoConvertForm(FlaskForm):
    percent = IntegerField("Share of each net pay converted to USD (%)",
                           validators=[DataRequired(message="Enter a whole number from 0 to 100."),
                                       NumberRange(min=0, max=100)])


class PurchaseForm(FlaskForm):
    supplier = StringField("Supplier", validators=[DataRequired(), Length(max=200)],
                           description="The business outside the co-op you buy from.")
    amount = StringField("Amount (USD)", id="purchase_amount", validators=[DataRequired(), Length(max=20)],
                         description="The company's RSC is redeemed at par; the board pays the supplier from the bank.")
    pay_to = TextAreaField("The supplier's bank details", validators=[Optional(), Length(max=500)],
                           description="For the board's transfer.")
    memo = StringField("What for", id="purchase_memo", validators=[Optional(), Length(max=200)])
    grant_proposal_id = SelectField("Spends the equipment grant", coerce=str, validators=[Optional()])


class HandoverForm(FlaskForm):
    member_id = SelectField("Make this worker an admin", id="handover_member_id", coerce=str,
                            validators=[DataRequired()])
