"""The nomination page's evidence thread: each entry with its criterion, author and date, how
many earlier versions an edited entry has, a link to edit it for its author alone, and its body
as sanitised HTML; every other value escaped."""

import re

from nominations import services
from nominations.models import Criterion, EvidenceEntry


def entries(page: str) -> dict[str, str]:
    return dict(re.findall(r'<li id="evidence-(\d+)">(.*?)</li>', page, flags=re.S))


def test_it_shows_each_entry_with_its_versions_and_an_edit_link_for_its_author(build, client_for):
    nomination = build.opened(evidence=False)
    entry = services.evidence_add(
        actor=build.core2,
        nomination=nomination,
        criterion=Criterion.QUALITY,
        body="First version.",
    )
    for body in ("Second version.", "Third version."):
        services.evidence_edit(
            actor=build.core2, entry=entry, criterion=Criterion.QUALITY, body=body
        )

    as_author = entries(client_for("core2").get(nomination.get_absolute_url()).content.decode())
    as_other = entries(client_for("core1").get(nomination.get_absolute_url()).content.decode())

    shown = as_author[str(entry.pk)]
    assert f"<strong>{Criterion.QUALITY.label}</strong>" in shown
    assert "Jonas Keller (@jkeller) ·" in shown
    assert "edited (2 earlier versions)" in shown
    assert f'<a href="/nominations/evidence/{entry.pk}/edit/">edit</a>' in shown
    assert '<div class="markdown"><p>Third version.</p>\n</div>' in shown
    assert "edit</a>" not in as_other[str(entry.pk)]
    assert EvidenceEntry.objects.get(pk=entry.pk).body == "Third version."


def test_it_escapes_the_authors_name_and_shows_no_versions_for_an_unedited_entry(build, client_for):
    nomination = build.opened(evidence=False)
    build.core2.person.full_name = "Jonas <b>Keller</b>"
    build.core2.person.save(update_fields=["full_name"])
    entry = services.evidence_add(
        actor=build.core2, nomination=nomination, criterion=Criterion.QUALITY, body="Fine."
    )

    shown = entries(client_for("core1").get(nomination.get_absolute_url()).content.decode())

    assert "Jonas &lt;b&gt;Keller&lt;/b&gt;" in shown[str(entry.pk)]
    assert "edited" not in shown[str(entry.pk)]
