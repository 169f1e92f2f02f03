"""Published minutes as one forum post, in the shape core maintainers post them on Discourse:
a title naming the quarters, a line of introduction, then each meeting, newest first."""

from collections.abc import Sequence

from meetings.minutes import join_words, number_word


def quarter_label(moment) -> str:
    return f"{moment:%y}'Q{(moment.month - 1) // 3 + 1}"


def forum_post(versions: Sequence, *, site_url: str, all_quarterly: bool = True) -> str:
    """`versions`: published versions (duck-typed: title, starts_at, number, published_at,
    markdown, slug)."""
    versions = sorted(versions, key=lambda version: version.starts_at, reverse=True)
    quarters = sorted(
        {quarter_label(version.starts_at) for version in versions},
        key=lambda label: (label[:2], label[-1]),
    )
    who = "Core Maintainers" if all_quarterly else ""
    count = len(versions)
    if count == 1:
        heading = f"Notes from the Recent {who} Meeting ({quarters[0]})"
        intro = f"See below for the notes from the most recent {who} meeting."
    else:
        heading = f"Notes from Recent {who} Meetings ({join_words(quarters)})"
        intro = f"See below for the notes from the {number_word(count)} most recent {who} meetings."
    parts = [" ".join(heading.split()), " ".join(intro.split())]
    for version in versions:
        link = f"{site_url}/meetings/{version.slug}/v/{version.number}/"
        parts.append(f"## {version.title}")
        parts.append(version.markdown.strip())
        parts.append(
            f"*Version {version.number}, published {version.published_at:%Y-%m-%d}: <{link}>*"
        )
    return "\n\n".join(parts) + "\n"
