"""The site runs with Django's translation machinery off (settings.USE_I18N): it formats every
date, time and number as it did when the machinery chose English."""

import pytest
from django.conf.locale.en import formats as english_formats
from django.test import override_settings
from django.utils import formats, translation

FORMAT_NAMES = sorted(name for name in vars(english_formats) if name.isupper())


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_it_formats_as_english_does(name):
    ours = formats.get_format(name)
    with override_settings(USE_I18N=True), translation.override("en-us"):
        english = formats.get_format(name)

    assert ours == english


def test_it_groups_the_digits_of_a_large_number_as_english_does():
    assert formats.number_format(1234567, force_grouping=True) == "1,234,567"
