"""Forms check shape only; the services decide."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


PASSWORD_HELP = "At least 8 characters and hard to guess: a few uncommon words together work well."


class JoinForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=100)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=200)],
                             description=PASSWORD_HELP)
    locality = StringField("City or county", validators=[Optional(), Length(max=100)],
                           description="Used if the co-op ever splits by locality.")
    region_id = SelectField("Region", coerce=int, validators=[Optional()])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=8, max=200)],
                                 description=PASSWORD_HELP)


class ConfirmForm(FlaskForm):
    """A button that changes state: carries only the CSRF token."""


class ConvertForm(FlaskForm):
    direction = RadioField(
        "Direction",
        choices=[SelectChoice("usd_to_rsc", "Buy RSC with USD"), SelectChoice("rsc_to_usd", "Cash out RSC to USD")],
        default="usd_to_rsc",
        validators=[DataRequired()],
    )
    amount = StringField("Amount", validators=[DataRequired(), Length(max=20)],
                         description="In USD when buying RSC, in RSC when cashing out, e.g. 25.50.")


class SettingsForm(FlaskForm):
    """The member's own settings: the time zone of their pages and which mails they get."""

    time_zone = SelectField("Time zone", description="Times on your pages and in your mails are shown in it.")
    mail_reminders = BooleanField("Voting closes soon on a proposal I have not voted on")
    mail_results = BooleanField("The result of a proposal I voted on")
    mail_deposits = BooleanField("My deposit reached the bank (or was rejected)")
    mail_payouts = BooleanField("My payout was sent")
    mail_digest = BooleanField("Send these once a day in one mail (a daily digest) instead of one by one")
