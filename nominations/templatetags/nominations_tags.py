from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _line(row) -> str:
    name = escape(row.name)
    if row.url:
        name = f'<a href="{escape(row.url)}">{name}</a>'
    line = f'<li>{name}\n    <span class="role">{escape(row.role)}</span>'
    if row.badge:
        line += f'\n    <span class="badge">{escape(row.badge)}</span>'
    if row.time_left:
        line += f'\n    <span class="time-left">{escape(row.time_left)}</span>'
    return f"{line}</li>"


@register.simple_tag
def listed_lines(rows) -> SafeString:
    """The lines of a list of `dashboard_selectors.ListedRow`, every value escaped. A list's lines are the
    most repeated markup on the dashboard: formatted here they cost a fraction of what the
    template engine took for the same lines."""
    return mark_safe("\n  ".join(_line(row) for row in rows))


def _elector_line(elector, voted_ids) -> str:
    if elector.recused:
        status = f": recused ({escape(elector.recusal_reason)})"
    else:
        status = ": voted" if elector.user_id in voted_ids else ""
    return f"<li>{escape(elector.name)}{status}</li>"


@register.simple_tag
def electorate_lines(electors, voted_ids) -> SafeString:
    """The electorate's lines (`selectors.ElectorRow`), each with whether the elector voted or
    recused, every value escaped: a line per core maintainer, formatted here as `listed_lines`
    are, so a larger core team costs the page little more."""
    return mark_safe("".join(_elector_line(elector, voted_ids) for elector in electors))


def _ballot_line(ballot) -> str:
    comment = f" · {escape(ballot.comment)}" if ballot.comment else ""
    return f"<li>{escape(ballot.voter_name)}: {escape(ballot.choice_label.lower())}{comment}</li>"


@register.simple_tag
def ballot_lines(ballots) -> SafeString:
    """Who voted what (`selectors.LiveBallot`), every value escaped, as `electorate_lines`."""
    return mark_safe("".join(_ballot_line(ballot) for ballot in ballots))
