"""Values queries built and compiled through the ORM once per process, then run with each
request's values.

On the busiest private pages, building and compiling a query through the ORM cost more than
the database took to run it. A query whose shape never changes has the same SQL every time but
for a few values (a nomination's id, the viewer's), so it is built once with marks where those
values go, and each run puts the request's values in their places. The rows are converted as
the ORM converts them (the compiler's converters), so they are the rows `values_list()` gives.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# Ids no row has: the marks a query is built with, one per value it takes.
ID_MARKS = (-1_000_000_007, -1_000_000_009, -1_000_000_021)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    compiler: SQLCompiler  # the first part's: it converts the values of every part's rows
    at: tuple[tuple[int, ...], ...]  # where each mark's value goes in `params`
    parts: int


def _adapted(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery:
    """`build(*marks)` gives a values query, or several of the same columns; `rows(*values)`
    runs it (one statement: several are united, each keeping its own order and limit) with
    `values` where `build` was given `marks` (by default ids, see ID_MARKS), and gives each
    part's rows as `values_list()` tuples; `objects(*values)`, for a query of instances, the
    instances."""

    def __init__(self, build: Callable[..., QuerySet | tuple[QuerySet, ...]], *marks) -> None:
        self._build = build
        self._marks = marks or ID_MARKS[:1]
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        built = self._build(*self._marks)
        parts = built if isinstance(built, tuple) else (built,)
        sqls, params, compilers = [], [], []
        for queryset in parts:
            compiler = queryset.query.get_compiler(using=alias)
            sql, part_params = compiler.as_sql()
            sqls.append(sql)
            params += part_params
            compilers.append(compiler)
        if len(parts) > 1:
            # Each part keeps its own order and limit inside its subquery; the last column
            # says which part a row is of.
            sqls = [
                f"SELECT part_{position}.*, {position} FROM ({sql}) part_{position}"
                for position, sql in enumerate(sqls)
            ]
        at = tuple(
            tuple(n for n, param in enumerate(params) if param == _adapted(connection, mark))
            for mark in self._marks
        )
        assert all(at), "A query does not use every value it is built with."
        return _Compiled(" UNION ALL ".join(sqls), tuple(params), compilers[0], at, len(parts))

    def names(self, using: str = "default") -> list[str]:
        """The names of the columns of `rows`' tuples, as `values()` names them."""
        query = self._compiled_for(using).compiler.query
        return [*query.extra_select, *query.values_select, *query.annotation_select]

    def _compiled_for(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        return compiled

    def _fetch(self, values: tuple, using: str) -> tuple[_Compiled, list[tuple]]:
        compiled = self._compiled_for(using)
        connection = connections[using]
        low, high = connection.ops.integer_field_range("BigIntegerField")
        if any(type(value) is int and not low <= value <= high for value in values):
            # No row has such an id (as the ORM answers it), and the database would refuse it.
            return compiled, []
        params = list(compiled.params)
        for positions, value in zip(compiled.at, values, strict=True):
            for n in positions:
                params[n] = _adapted(connection, value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return compiled, cursor.fetchall()

    def rows(self, *values, using: str = "default") -> list[list[tuple]]:
        """Each part's rows, in the order of the parts."""
        compiled, fetched = self._fetch(values, using)
        rows = compiled.compiler.results_iter(results=[fetched], tuple_expected=True)
        if compiled.parts == 1:
            return [list(rows)]
        parts = [[] for _ in range(compiled.parts)]
        for *row, position in rows:
            parts[position].append(tuple(row))
        return parts

    def objects(self, *values, using: str = "default") -> list[Model]:
        """The instances a query of model instances (one part, not values) gives, with what it
        selects related, as iterating it gives them (Django's ModelIterable)."""
        compiled, fetched = self._fetch(values, using)
        compiler = compiled.compiler
        fields = compiler.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in compiler.select[start:end]]
        populators = get_related_populators(compiler.klass_info, compiler.select, using)
        model = compiler.klass_info["model"]
        instances = []
        for row in compiler.results_iter(results=[fetched]):
            instance = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances
