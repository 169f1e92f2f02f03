"""A query compiled once per process gives, for every value put in, what the ORM gives for the
same query built with that value."""

import datetime

import pytest
from django.db.models import Count
from django.template.defaultfilters import date
from django.utils import timezone

from governance.compiled_queries import CompiledQuery
from nominations import selectors, services
from nominations.models import Elector, EvidenceEntry, Nomination

pytestmark = pytest.mark.django_db


def test_it_gives_the_rows_the_orm_gives_for_each_value(build):
    nominations = [build.voting(), build.opened(nominee=build.person("Other", "other"))]
    thread = CompiledQuery(
        lambda pk: (
            EvidenceEntry.objects.filter(nomination_id=pk)
            .order_by("created_at", "pk")
            .values_list("pk", "author__username", "created_at")
            .annotate(revisions=Count("revisions"))
        )
    )

    for nomination in nominations:
        orm = list(
            EvidenceEntry.objects.filter(nomination_id=nomination.pk)
            .order_by("created_at", "pk")
            .values_list("pk", "author__username", "created_at")
            .annotate(revisions=Count("revisions"))
        )
        assert orm
        assert thread.rows(nomination.pk) == [orm]


def test_it_unites_parts_each_with_its_own_order_and_limit(build):
    nomination = build.voting()
    parts = CompiledQuery(
        lambda pk, since: (
            Elector.objects.filter(nomination_id=pk).order_by("-pk").values_list("user_id")[:2],
            Elector.objects.filter(nomination_id=pk, nomination__created_at__gte=since)
            .order_by("pk")
            .values_list("user_id"),
        ),
        -1_000_000_007,
        datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC),
    )
    electors = list(Elector.objects.filter(nomination=nomination).values_list("user_id"))
    assert len(electors) > 2

    assert parts.rows(nomination.pk, nomination.created_at) == [electors[::-1][:2], electors]
    later = nomination.created_at + datetime.timedelta(seconds=1)
    assert parts.rows(nomination.pk, later) == [electors[::-1][:2], []]


def test_it_gives_the_instances_the_orm_gives_with_what_it_selects_related(build):
    nomination = build.voting()
    compiled = CompiledQuery(
        lambda pk: Nomination.objects.filter(pk=pk).select_related("nominee__user", "module")
    )

    [loaded] = compiled.objects(nomination.pk)

    orm = Nomination.objects.select_related("nominee__user", "module").get(pk=nomination.pk)
    assert loaded == orm
    assert loaded._state.db == "default"
    assert not loaded._state.adding
    assert {f.attname: getattr(loaded, f.attname) for f in Nomination._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in Nomination._meta.concrete_fields
    }
    assert Nomination.nominee.is_cached(loaded)
    assert loaded.nominee.full_name == orm.nominee.full_name
    assert loaded.nominee.user == orm.nominee.user


def test_it_finds_nothing_for_an_id_beyond_the_database_s_range(build, django_assert_num_queries):
    compiled = CompiledQuery(lambda pk: Nomination.objects.filter(pk=pk))

    with django_assert_num_queries(0):
        assert compiled.objects(2**63) == []
    assert selectors.nomination_for_page(2**70) is None


def test_it_counts_each_thread_entry_s_earlier_versions(build):
    nomination = build.voting()
    edited, *others = EvidenceEntry.objects.filter(nomination=nomination).order_by("created_at")
    for body in ("Second.", "Third."):
        services.evidence_edit(
            actor=edited.author, entry=edited, criterion=edited.criterion, body=body
        )

    thread = selectors.nomination_for_page(nomination.pk).thread

    assert [entry.revision_count for entry in thread] == [2] + [0] * len(others)


def test_it_writes_the_thread_s_dates_as_the_date_filter_writes_them(build):
    nomination = build.voting()
    entries = list(EvidenceEntry.objects.filter(nomination=nomination).order_by("created_at", "pk"))
    assert entries
    for entry, month in zip(entries, range(1, 13), strict=False):
        entry.created_at = timezone.make_aware(datetime.datetime(2025, month, month, month, 7))
        entry.save(update_fields=["created_at"])

    shown = selectors.nomination_for_page(nomination.pk).thread

    for row, entry in zip(shown, entries, strict=True):
        local = timezone.localtime(entry.created_at)
        assert row.created_at_iso == date(local, "c")
        assert row.created_at_shown == date(local, "M j, Y H:i")


def test_it_reads_for_a_cast_only_the_columns_the_cast_uses(build, django_assert_num_queries):
    nomination = build.voting()

    with django_assert_num_queries(1):
        loaded = selectors.nomination_for_cast(nomination.pk)
        heading = (loaded.kind, loaded.nominee.user_id, loaded.nominee.full_name)
        module_name = loaded.module.name

    assert heading == (nomination.kind, build.nominee.pk, nomination.nominee.full_name)
    assert module_name == nomination.module.name
    assert loaded.get_deferred_fields() >= {"status", "policy", "rationale"}
    assert selectors.nomination_for_cast(nomination.pk + 1000) is None
