"""Hostile input for the fuzzer: text, files and whole form posts, drawn by hypothesis.

A post is drawn from a form's own fields, so a field added to a form is fuzzed at once. Each
field is sent as it should be (a choice it offers, a row it lists, text within its bound), as
hostile text, as a value of the wrong type, or not at all, once or repeated. Text mixes the
classics that break web applications: NUL (which PostgreSQL's text type refuses), lone
surrogates, bidirectional overrides, zero-width and combining marks, emoji, markup and template
injection, SQL-ish strings, redaction markup left open, and strings far beyond any bound.
"""

import datetime
import os
import re
import string
from dataclasses import dataclass

from django import forms
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from meetings.minutes_parser import MAX_IMPORT_BYTES

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")),
    deadline=None,
    # One world serves every example of a test; each example rolls its writes back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
# While hunting bugs: the first failing example of each endpoint, unshrunk, in seconds.
settings.register_profile(
    "fuzz-hunt", settings.get_profile("fuzz"), phases=[Phase.generate, Phase.target]
)
FUZZ = settings.get_profile(os.environ.get("FUZZ_PROFILE", "fuzz"))

# Marked so the check for raw markup in a response finds ours and never the page's own tags.
INJECTIONS = (
    "<script>alert('fz')</script>",
    "<img src=x onerror=alert('fz')>",
    "\"><svg onload=alert('fz')>",
    "<a href=\"javascript:alert('fz')\">x</a>",
    "[link](javascript:alert('fz'))",
    "<iframe src=//fz.example>",
)
# Our markup as a browser would run it: a tag, not the escaped text `&lt;script&gt;...`.
RAW_INJECTION = re.compile(
    r"<script\b[^<]*fz|<(?:img|svg|iframe)\b[^<>]*(?:fz|\son\w+=)"
    r"|<a\b[^<>]*href=[\"']?\s*javascript:",
    re.IGNORECASE,
)
SNIPPETS = (
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "\u202e",  # right-to-left override
    "\u2066\u2069",  # isolates
    "\u200b\u200d\ufeff",  # zero-width space, joiner, byte-order mark
    "e\u0301\u0301\u0301\u0301",  # combining marks
    "\U0001f600\U0001f469\u200d\U0001f4bb",  # emoji, with a joiner
    "\x01\x07\x1b[31m\x7f",
    "\r\n\r\n",
    "\t",
    "\u2028\u2029",
    "\uffff\ufffe",
    *INJECTIONS,
    "{{ request }}{% debug %}",
    "'; DROP TABLE nominations_nomination; --",
    "' OR '1'='1",
    "%s%n%x",
    "[redact:",
    "[redact: reason]never closed",
    "[/redact]",
    "[[redact:]]",
    "# heading\n\n> quote\n\n- item\n  - nested",
    "../../etc/passwd",
    "Core Maintainers Meeting March 24th, 2023",
    "    ",
)
WRONG_TYPES = (
    "",
    " ",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 400,
    "0x10",
    "[]",
    "{}",
    "null",
    "true",
    "2023-02-30",
    "9999-12-31T23:59:59",
    "0000-00-00",
)

hostile_text = st.lists(
    st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=12)), min_size=1, max_size=6
).map("".join)


def bounded_text(max_length: int | None) -> st.SearchStrategy[str]:
    """Hostile text within the bound, or repeated until it is far beyond it."""
    bound = max_length or 5_000
    within = hostile_text.map(lambda text: text[:bound])
    huge = st.tuples(hostile_text, st.integers(min_value=2, max_value=4)).map(
        lambda drawn: (drawn[0] or "x") * (bound * drawn[1] // max(len(drawn[0]), 1) + 1)
    )
    return st.one_of(within, within, within, huge)


def encoded(text: str) -> bytes:
    # Lone surrogates go over the wire as the bytes a careless client would send.
    return text.encode("utf-8", "surrogatepass")


# Files -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: bytes
    content: bytes


MINUTES = "Core Maintainers Meeting March 24th, 2023\n\n## {title}\n\n- {note}\nDecision: {note}\n"
FILE_CONTENTS = st.one_of(
    st.binary(max_size=2_000),
    st.builds(lambda text: encoded(text), hostile_text),
    st.builds(
        lambda title, note: encoded(MINUTES.format(title=title, note=note)),
        hostile_text,
        hostile_text,
    ),
    st.just(b"\xff\xfe\xfa invalid UTF-8 \xc3\x28"),
    st.just(b"Meeting 2023-01-01\n\n## Item\n\n- a\x00b\n"),
    st.just(b"x" * (MAX_IMPORT_BYTES + 1)),
    st.just(("Meeting 2023-01-01\n\n## Item\n\n" + "> " * 5_000 + "deep\n").encode()),
    st.just(
        (
            "Meeting 2023-01-01\n\n## Item\n\n"
            + "".join(f"{'  ' * n}- {n}\n" for n in range(2_000))
        ).encode()
    ),
    st.just(("Meeting 2023-01-01\n\n## Item\n\n" + "[" * 20_000 + "]" * 20_000).encode()),
    st.just(b"Meeting 2023-01-01\n\n## Item\n\n- [redact: personal]never closed\n"),
    st.just(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    st.just(b"\xef\xbb\xbfMeeting 2023-01-01\n\n## BOM first\n\n- a\n"),
)
FILE_NAMES = st.one_of(
    st.just(b"minutes.md"),
    st.builds(lambda text: encoded(text)[:300] + b".md", hostile_text),
    st.just(b"../../../etc/passwd"),
    st.just(b"a" * 5_000 + b".md"),
)
uploads = st.builds(Upload, FILE_NAMES, FILE_CONTENTS)


# Form posts -----------------------------------------------------------------------------------


def _choices(field: forms.ChoiceField) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            values.extend(str(inner) for inner, _ in label)
        elif str(value) != "":
            values.append(str(value))
    return values


def _model_choices(field: forms.ModelChoiceField) -> list[str]:
    return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]


def _valid(field: forms.Field) -> st.SearchStrategy:
    """What a well-meaning browser would send for the field (the text still hostile)."""
    if isinstance(field, forms.FileField):
        return uploads
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "true", "false", ""])
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        values = _model_choices(field)
    elif isinstance(field, forms.ChoiceField):
        values = _choices(field)
    elif isinstance(field, forms.IntegerField):
        return st.integers(
            min_value=field.min_value if field.min_value is not None else -(10**6),
            max_value=field.max_value if field.max_value is not None else 10**6,
        ).map(str)
    elif isinstance(field, forms.DateTimeField):
        return st.datetimes(
            min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)
        ).map(lambda moment: moment.isoformat(timespec="minutes"))
    elif isinstance(field, forms.DateField):
        return st.dates(
            min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)
        ).map(str)
    elif isinstance(field, forms.EmailField):
        return st.one_of(st.emails(), hostile_text.map(lambda text: f"{text}@example.org"))
    elif isinstance(field, forms.URLField):
        return hostile_text.map(lambda text: f"https://example.org/{text}")
    elif isinstance(field, forms.SlugField):
        return st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=40)
    elif isinstance(field, forms.CharField):
        return bounded_text(field.max_length)
    else:
        return hostile_text
    if not values:
        return st.sampled_from(WRONG_TYPES)
    return st.sampled_from(values)


def _wrong(field: forms.Field) -> st.SearchStrategy:
    if isinstance(field, forms.FileField):
        return st.one_of(uploads, st.sampled_from(WRONG_TYPES))
    return st.one_of(st.sampled_from(WRONG_TYPES), bounded_text(getattr(field, "max_length", None)))


def field_values(field: forms.Field, known: tuple = ()) -> st.SearchStrategy[list]:
    """The values sent under the field's name: none (missing), one, or the same name repeated.
    `known` are real values (a persona's password) mixed in so that some posts get through."""
    valid = st.one_of(_valid(field), st.sampled_from(known)) if known else _valid(field)
    value = st.one_of(valid, valid, valid, _wrong(field))
    many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    return st.one_of(
        st.lists(value, min_size=1, max_size=3 if many else 1),
        st.lists(value, min_size=1, max_size=1),
        st.lists(value, max_size=3),
    )


@dataclass(frozen=True)
class Post:
    """One hostile form post: name to values (several for a repeated field)."""

    fields: dict
    multipart: bool

    def has_upload(self) -> bool:
        return any(isinstance(v, Upload) for values in self.fields.values() for v in values)

    def texts(self) -> list[str]:
        return [v for values in self.fields.values() for v in values if isinstance(v, str)]


def posts(form: forms.Form | None, known: dict | None = None) -> st.SearchStrategy[Post]:
    """Posts for `form` (None: a route that reads no form), with junk fields beside them."""
    fields = {}
    if form is not None:
        fields = {
            form.add_prefix(name): field_values(field, (known or {}).get(name, ()))
            for name, field in form.fields.items()
        }
    junk = st.dictionaries(
        st.one_of(st.sampled_from(["next", "_save", "csrfmiddlewaretoken", "to"]), hostile_text),
        st.lists(hostile_text, min_size=1, max_size=2),
        max_size=2,
    )
    needs_multipart = form is not None and form.is_multipart()
    return st.builds(
        lambda drawn, extra, multipart: Post(
            {**extra, **drawn}, multipart=multipart or needs_multipart
        ),
        st.fixed_dictionaries(fields),
        junk,
        st.booleans(),
    )
