from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional


class AcceptAsNewMemberForm(FlaskForm):
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(min=8, max=200)],
                             description="At least 8 characters.")
    locality = StringField("City or county", validators=[Optional(), Length(max=100)])
