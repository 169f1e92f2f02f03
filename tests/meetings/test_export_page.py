"""Pressing "Export the chosen meetings" with nothing chosen gives a page that says what to do,
not bare text."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_answers_an_empty_export_with_a_page_that_says_what_to_do(client):
    response = client.get("/meetings/export.md")

    content = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Choose at least one published meeting: tick it in the list, then export." in content
    assert 'href="/meetings/">Back to the published minutes</a>' in content
