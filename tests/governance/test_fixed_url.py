"""`{% fixed_url %}` writes what `{% url %}` writes, under every script prefix."""

import re

from django.conf import settings
from django.template import Context, Template
from django.urls import clear_script_prefix, set_script_prefix

BASE = settings.BASE_DIR / "templates" / "base.html"


def test_it_writes_each_link_of_the_navigation_as_the_url_tag_does():
    names = re.findall(r"\{% fixed_url '([a-z_:]+)' %\}", BASE.read_text())
    assert len(names) > 10
    fixed = Template(
        "{% load governance_tags %}" + "|".join(f"{{% fixed_url '{name}' %}}" for name in names)
    )
    url = Template("|".join(f"{{% url '{name}' %}}" for name in names))

    for prefix in ("/", "/governance/"):
        set_script_prefix(prefix)
        try:
            assert fixed.render(Context()) == url.render(Context())
            assert fixed.render(Context()).startswith(prefix)
        finally:
            clear_script_prefix()
