"""`make bench` divides each page's CPU by the constant view's measured beside it, so that a
machine that slows down during a run does not inflate the pages measured while it is slow."""

from bench.run import add_multiples


def test_it_divides_each_page_by_the_constant_view_measured_around_it():
    # The machine was quick for the first page and twice as slow for the second.
    rows = [{"machine_cpu_ms": 1.5}, {"machine_cpu_ms": 3.0}]

    add_multiples(rows, [1.0, 1.0, 3.0])

    assert [(row["constant_ms"], row["cpu_multiple"]) for row in rows] == [(1.0, 1.5), (2.0, 1.5)]
