"""Occupation and industry names have one canonical spelling."""
import pytest

from govern.errors import ValidationError
from govern.wages import names


def test_names_are_lower_case_with_spaces_as_underscores_and_stay_the_same_when_typed_again():
    assert names.normalise("  Machine   Operator ", "occupation") == "machine_operator"
    assert names.normalise("machine_operator", "occupation") == "machine_operator"
    assert names.normalise("Sous-chef 2", "occupation") == "sous-chef_2"
    assert names.label("machine_operator") == "Machine operator"


@pytest.mark.parametrize("bad", ["", "   ", "weld.er", "a/b", "---", "x" * 31, "calculator", 7, None])
def test_bad_names_are_refused_on_the_field_given(bad):
    with pytest.raises(ValidationError) as error:
        names.normalise(bad, "payload.occupation")
    assert "payload.occupation" in error.value.fields


def test_an_optional_name_may_be_absent_or_blank():
    assert names.optional(None, "industry") is None
    assert names.optional("  ", "industry") is None
    assert names.optional("Construction", "industry") == "construction"
