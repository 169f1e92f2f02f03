"""Reading the Content-Security-Policy a response carries."""

UNSAFE_SOURCES = frozenset({"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"})


def policy_directives(response) -> dict[str, set[str]]:
    directives = {}
    for directive in response.get("Content-Security-Policy", "").split(";"):
        if directive.strip():
            name, *sources = directive.split()
            directives[name.lower()] = set(sources)
    return directives


def runs_only_our_own_scripts(response) -> bool:
    """An explicit script-src that allows no inline script, eval or foreign origin."""
    sources = policy_directives(response).get("script-src")
    return bool(sources) and not sources & UNSAFE_SOURCES
