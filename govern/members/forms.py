"""Forms check shape only; the services decide."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
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
