"""The site runs with Django's translation machinery off (settings.USE_I18N): it still shows and
reads every date, time and number as English does."""

import datetime

from django import forms
from django.utils import formats


def test_it_shows_dates_and_times_as_english_does():
    moment = datetime.datetime(2026, 12, 3, 21, 14)

    assert formats.date_format(moment) == "Dec. 3, 2026"
    assert formats.date_format(moment, "DATETIME_FORMAT") == "Dec. 3, 2026, 9:14 p.m."
    assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "12/03/2026"


def test_it_reads_a_date_typed_as_english_writes_it():
    field = forms.DateField()

    assert field.clean("12/03/2026") == datetime.date(2026, 12, 3)
    assert field.clean("December 3, 2026") == datetime.date(2026, 12, 3)


def test_it_groups_the_digits_of_a_large_number_as_english_does():
    assert formats.number_format(1234567, force_grouping=True) == "1,234,567"
