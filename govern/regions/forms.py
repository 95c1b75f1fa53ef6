"""Forms check shape only; the services decide."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class FoundRegionForm(FlaskForm):
    name = StringField("Name of the new region", validators=[DataRequired(), Length(max=120)],
                       description="A town or county, say: it must not be the name of another region.")
