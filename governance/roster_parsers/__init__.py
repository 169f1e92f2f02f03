"""Readers of the files a roster is imported from: pure functions from text to records.

`persons` reads persons_of_interest (MyST Markdown or reStructuredText, in the layouts projects
write it in), `activity` reads activity as CSV or JSON, and `owner_files` reads CODEOWNERS,
Kubernetes-style OWNERS and merge_rules.yaml. A reader either returns every record or raises
`MalformedFile` naming the line, so that an import is all or nothing.
"""

import re

from governance.models import GITHUB_HANDLE_PATTERN

HANDLE = re.compile(GITHUB_HANDLE_PATTERN)


class MalformedFile(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)
