from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from govern.members.forms import PASSWORD_HELP


class AcceptAsNewMemberForm(FlaskForm):
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(min=8, max=200)],
                             description=PASSWORD_HELP)
    locality = StringField("City or county", validators=[Optional(), Length(max=100)])
