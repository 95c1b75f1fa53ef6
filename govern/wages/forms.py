"""The calculator's form: a GET form (nothing changes, so no CSRF token). Shape only; the
service checks the names and the productivity."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional


class CalculatorForm(FlaskForm):
    class Meta:
        csrf = False

    occupation = StringField("Occupation", validators=[DataRequired(), Length(max=60)],
                             render_kw={"list": "occupation-names"},
                             description="For example: welder. An occupation not in the table yet has the "
                                         "starting factors.")
    industry = StringField("Industry (optional)", validators=[Optional(), Length(max=60)],
                           render_kw={"list": "industry-names"},
                           description="Empty: an industry of average need (0.5).")
    productivity = StringField("Productivity (0 to 1)", default="0.5", validators=[DataRequired(), Length(max=20)],
                               description="0.5 is an average worker; the company sets each worker's.")
