"""The redaction function, on its own: examples, then properties (hypothesis).

The properties build documents from two disjoint alphabets: the text around spans, and a canary
alphabet used only inside spans. Whatever the nesting and the Markdown around a span, no canary
character may reach the public text or the HTML rendered from it; and a document with one tag
removed must be refused, never published.
"""

import contextlib
import time
from collections import Counter
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.markdown import render_markdown
from meetings.minutes import compose_public, highlight_source, preview_html
from meetings.redaction import RedactionError, find_spans, merge_logs, redact

# The text around spans never spells a tag: it lacks the letters of "redact".
SURROUNDING = "bfghijklmnopqsuvwxyzBFGHIJKLMNOPQSUVWXYZ0123456789 \n\t-*#_`>[]()/:.,!|~"
CANARY = "αβγδεζηθικλμνξοπ"
REASON = "abcdefghijklmnopqrstuvwxyz "


# Examples -------------------------------------------------------------------------------------


def test_it_replaces_a_span_with_its_reason():
    result = redact(
        "Considered four. [redact: specific examples]the names of the four nominees[/redact]"
    )

    assert result.text == "Considered four. [specific examples redacted]"
    assert result.log == {"specific examples": 1}


def test_it_counts_redactions_by_reason():
    result = redact(
        "[redact: names]a[/redact] and [redact: names]b[/redact] and [REDACT: dates]c[/REDACT]"
    )

    assert result.text == "[names redacted] and [names redacted] and [dates redacted]"
    assert result.log == {"names": 2, "dates": 1}


def test_it_replaces_the_outermost_of_nested_spans_whole():
    result = redact("x [redact: outer]a [redact: inner]b[/redact] c[/redact] y")

    assert result.text == "x [outer redacted] y"
    assert result.log == {"outer": 1}


def test_it_redacts_across_lines_and_bullets():
    text = "- one\n- [redact: examples]two\n  - nested\n- three[/redact]\n- four"

    assert redact(text).text == "- one\n- [examples redacted]\n- four"


def test_it_leaves_text_without_markup_alone():
    text = "Decision: [specific examples redacted] stays as written; [redaction] is a word."

    assert redact(text).text == text
    assert redact(text).log == {}


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("ok\nab [redact: x]never closed", 2, 4, "never closed"),
        ("fine [/redact]", 1, 6, "closes nothing"),
        ("[redact]no reason[/redact]", 1, 1, "with a reason"),
        ("[redact: ]empty[/redact]", 1, 1, "needs a reason"),
        ("x\n\n  [ redact: spaced]y[/redact]", 3, 3, "with a reason"),
        ("[redact: x]y[/ redact]", 1, 13, "exactly [/redact]"),
        ("[redact: x]y[/redactx", 1, 1, "never closed"),
        ("[redact: a]1[redact: b]2[/redact]", 1, 1, "never closed"),
        (f"[redact: {'r' * 61}]x[/redact]", 1, 1, "under 60 characters"),
    ],
)
def test_it_refuses_malformed_markup_with_line_and_column(text, line, column, message):
    with pytest.raises(RedactionError) as raised:
        redact(text)

    assert (raised.value.line, raised.value.column) == (line, column)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"Line {line}, column {column}: ")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("[redacted: names]QXSECRET", 1, 1),
        ("[Redacted: names]QXSECRET", 1, 1),
        ("ok\n[redaction: names]QXSECRET", 2, 1),
        ("\uff3bredact: names\uff3dQXSECRET\uff3b/redact\uff3d", 1, 1),
        ("a \uff3b\uff32\uff25\uff24\uff21\uff23\uff34: names] QXSECRET", 1, 3),
        ("[\u200bredact: names]QXSECRET[/redact]", 1, 25),
        ("x [\u200bredact: names]QXSECRET", 1, 3),
        ("[redact: names]a[/redact] [\u2060/redact]", 1, 27),
        ("[redact: names]QXSECRET[/ redact]", 1, 24),
        ("[redact: names]QXSECRET[/redacted]", 1, 1),
    ],
)
def test_it_refuses_text_that_looks_like_markup_but_is_not(text, line, column):
    with pytest.raises(RedactionError) as raised:
        redact(text)

    assert (raised.value.line, raised.value.column) == (line, column)


def test_it_reads_tags_in_any_case_as_markup():
    result = redact("[REDACT: names]QXSECRET[/Redact] and [Redact: names]QXSECRET[/REDACT]")

    assert result.text == "[names redacted] and [names redacted]"


@pytest.mark.parametrize(
    "text",
    [
        "[redaction] is a word, and so is [redacted]; [specific examples redacted] stays.",
        "A bracket \uff3b alone, a zero\u200bwidth space, and redact: as a word.",
    ],
)
def test_it_leaves_brackets_and_words_that_are_no_tag_alone(text):
    assert redact(text).text == text


MEGABYTE = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[redact:" + " " * MEGABYTE, id="blanks after the opener"),
        pytest.param("[redact:" + " \t" * (MEGABYTE // 2) + "]", id="blanks, then a close"),
        pytest.param("[" + " " * MEGABYTE + "/", id="blanks after a bracket"),
        pytest.param("[redact: x]" * (MEGABYTE // 11), id="nested openers"),
        pytest.param(
            "[redact: x]" * (MEGABYTE // 20) + "[/redact]" * (MEGABYTE // 20), id="deep nesting"
        ),
        pytest.param("x" * MEGABYTE, id="one long line"),
        pytest.param("[redact:" * (MEGABYTE // 8), id="many unclosed openers"),
        pytest.param("[redact: x" * (MEGABYTE // 10), id="openers without their bracket"),
        pytest.param("[" * MEGABYTE, id="brackets"),
        pytest.param("\uff3b\u200b" * (MEGABYTE // 2), id="lookalike brackets"),
    ],
)
def test_it_reads_a_megabyte_of_adversarial_markup_within_a_second(text):
    started = time.perf_counter()
    with contextlib.suppress(RedactionError):
        redact(text)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_it_marks_spans_in_the_private_source_with_escaped_text():
    html = highlight_source('<b>x</b> [redact: why "not"]<script>[/redact]')

    assert "<script>" not in html
    assert html.startswith('&lt;b&gt;x&lt;/b&gt; <mark class="redacts"')
    assert 'title="Redacted: why &quot;not&quot;"' in html
    assert "&lt;script&gt;[/redact]</mark>" in html


def test_it_merges_logs():
    assert merge_logs({"a": 1}, {"a": 2, "b": 1}, {}) == {"a": 3, "b": 1}


# Properties -----------------------------------------------------------------------------------

surrounding_text = st.text(alphabet=SURROUNDING, max_size=30)
canary_text = st.text(alphabet=CANARY + "\n", min_size=1, max_size=12)
reasons = st.text(alphabet=REASON, min_size=1, max_size=20).filter(lambda r: r.strip())


@st.composite
def spans(draw, depth: int = 0):
    """(markup, reason): a span whose content is canaries and, maybe, nested spans."""
    reason = " ".join(draw(reasons).split())
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if depth < 3 and draw(st.booleans()):
            parts.append(draw(spans(depth=depth + 1))[0])
        else:
            parts.append(draw(canary_text))
    return f"[redact: {reason}]{''.join(parts)}[/redact]", reason


@st.composite
def documents(draw):
    """(text, expected public text, expected log)."""
    text, expected, log = "", "", Counter()
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        around = draw(surrounding_text)
        markup, reason = draw(spans())
        text += around + markup
        expected += around + f"[{reason} redacted]"
        log[reason] += 1
    tail = draw(surrounding_text)
    return text + tail, expected + tail, dict(log)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_it_never_lets_a_redacted_character_through(document):
    text, expected, log = document

    result = redact(text)

    assert not set(result.text) & set(CANARY)
    assert result.text == expected
    assert result.log == log


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_it_refuses_a_document_with_any_one_tag_missing(document, data):
    text = document[0]
    tags = [(span.start, "open") for span in find_spans(text)]
    tags += [(index, "close") for index in range(len(text)) if text.startswith("[/redact]", index)]
    if not tags:
        return
    position, kind = data.draw(st.sampled_from(tags))
    length = text.index("]", position) + 1 - position if kind == "open" else len("[/redact]")
    broken = text[:position] + text[position + length :]

    with pytest.raises(RedactionError) as raised:
        redact(broken)

    assert 1 <= raised.value.line <= broken.count("\n") + 1


class Related(list):
    def all(self):
        return self


def fake_item(title: str, notes: str, visibility: str = "public"):
    return SimpleNamespace(
        title=title,
        notes=notes,
        visibility=visibility,
        public_summary="",
        added_day_of_meeting=False,
        presenters=Related(),
        nominations=Related(),
        decisions=Related(),
        action_items=Related(),
    )


@settings(max_examples=200, deadline=None)
@given(documents(), documents())
def test_it_keeps_redacted_characters_out_of_the_published_html(title, notes):
    items = [fake_item(title[0].replace("\n", " ") or "Item", notes[0])]

    minutes = compose_public(items)
    html = str(render_markdown(minutes.markdown))
    preview = str(preview_html(items))

    for published in (minutes.markdown, html, preview):
        assert not set(published) & set(CANARY)
    assert minutes.redaction_log == merge_logs(title[2], notes[2])


@settings(max_examples=100, deadline=None)
@given(canary_text.filter(lambda text: text.strip()), surrounding_text)
def test_it_withholds_a_private_item_entirely(secret, around):
    items = [fake_item(secret.replace("\n", " "), around + secret, visibility="private")]

    minutes = compose_public(items)

    assert not set(minutes.markdown) & set(CANARY)
    assert minutes.redaction_log == {"private agenda item": 1}
