"""Forms of the treasury pages: they check shape only; the service decides."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class AddMoneyForm(FlaskForm):
    amount = StringField("Amount (USD)", validators=[DataRequired(), Length(max=20)],
                         description="What you will transfer to the co-op's bank account, e.g. 250.00.")


class ConfirmDepositForm(FlaskForm):
    bank_reference = StringField("Bank reference", validators=[DataRequired(), Length(max=100)],
                                 description="The bank's own reference of the transfer that arrived.")


class RejectDepositForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)])


class StatementForm(FlaskForm):
    statement = FileField("Statement file", validators=[FileRequired("Choose the file your bank gave you.")])
    format = SelectField("Format", choices=[SelectChoice("csv", "CSV with the columns date, amount, reference"),
                                            SelectChoice("ofx", "OFX (Open Financial Exchange)")])
    balance = StringField("Closing balance (USD)", validators=[Optional(), Length(max=20)],
                          description="Only when the file does not give it (OFX does; a CSV may have a balance "
                                      "column).")


class DismissLineForm(FlaskForm):
    note = StringField("Why it needs no deposit", validators=[DataRequired(), Length(max=500)])


class SettlePayoutsForm(FlaskForm):
    bank_reference = StringField("Bank reference of the transfer", validators=[DataRequired(), Length(max=100)],
                                 description="For a batch: the reference of the bank's batch.")


class BankDetailsForm(FlaskForm):
    details = TextAreaField("The co-op's bank account", validators=[DataRequired(), Length(max=1000)],
                            description="What members need to pay in: account holder, bank, account number or "
                                        "IBAN, routing number or BIC.")


class PayoutAccountForm(FlaskForm):
    details = TextAreaField("Your bank account for payouts", validators=[DataRequired(), Length(max=500)],
                            description="Account holder, bank, account number or IBAN: only you and the board "
                                        "see it.")
