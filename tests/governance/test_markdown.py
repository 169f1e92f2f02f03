"""The public text of Markdown: what the sanitised HTML shows, and nothing it leaves out."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.markdown import _parser, public_markdown, render_markdown

CANARY = "QXHIDDEN"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"Seen ![{CANARY}](https://example.org/a.png)", id="image alt text"),
        pytest.param(f"Seen ![alt](https://example.org/{CANARY}.png)", id="image address"),
        pytest.param(f'Seen ![alt](https://example.org/a.png "{CANARY}")', id="image title"),
        pytest.param(f'Seen [a link](https://example.org "{CANARY}")', id="link title"),
        pytest.param(f"Seen [a link][r]\n\n[r]: https://example.org '{CANARY}'", id="ref title"),
        pytest.param(f"Seen.\n\n[unused]: https://{CANARY}.example.org", id="unused definition"),
        pytest.param(f"- Seen\n\n  [unused]: https://{CANARY}.org\n- more", id="in a list"),
        pytest.param(f"> Seen\n>\n> [unused]:\n> https://{CANARY}.org", id="definition, quoted"),
        pytest.param(f"Seen\n\n```{CANARY}\ncode\n```", id="code fence info"),
        pytest.param(f"Seen [ftp](ftp://{CANARY}.example.org/file)", id="refused address"),
        pytest.param(f"| Seen | b |\n|---|---|\n| ![{CANARY}](x) | c |", id="image in a table"),
        pytest.param(f"Seen\n===\n\n## ![{CANARY}](x) heading", id="image in a heading"),
        pytest.param(f"- Seen\n\n  > ![{CANARY}](x) *nested*", id="image, nested"),
    ],
)
def test_it_takes_out_of_the_markdown_what_the_html_leaves_out(text):
    public = public_markdown(text)

    assert CANARY not in public
    assert CANARY not in str(render_markdown(public))
    assert "Seen" in public
    assert "Seen" in str(render_markdown(public))
    assert public_markdown(public) == public


def test_it_keeps_the_visible_parts_of_a_rewritten_block():
    text = 'A *b* `c` [d](https://e.org "t") ![x](y) & 1\\. f\n\n- [AI] g'

    assert public_markdown(text) == "A *b* `c` [d](<https://e.org>)  \\& 1. f\n\n- [AI] g"
    # The HTML is the same: the image and the title were never shown.
    assert render_markdown(public_markdown(text)) == render_markdown(text)


def test_it_leaves_markdown_without_hidden_text_as_written():
    text = (
        "### Nominations [Agenda item added day-of-meeting]\n\n"
        "- Considered four. [specific examples redacted]\n"
        "  - nested, with a [link](https://example.org) and <https://example.org/auto>\n\n"
        "**Decision: Accepted.** Done.\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        "```\ncode\n```\n\n"
        "> quoted\n>\n> again\n"
    )

    assert public_markdown(text) == text


def hidden_text(text: str) -> list[str]:
    """What of `text` the rendered HTML would leave out, by kind."""
    env: dict = {}
    found = []
    tokens = _parser.parse(text, env)
    if env.get("references"):
        found.append("reference definition")
    for token in tokens:
        if token.type == "fence" and token.info:
            found.append("fence info")
        for child in token.children or []:
            if child.type == "image":
                found.append("image")
            if child.type == "link_open" and child.attrGet("title"):
                found.append("link title")
    return found


markdownish = st.text(alphabet="ab \n\t[]()!<>*_`#-+>:|'\"~&\\=1.h/", max_size=80)


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_it_leaves_no_hidden_text_whatever_the_markdown(text):
    public = public_markdown(text)

    assert hidden_text(public) == []
    assert public_markdown(public) == public
