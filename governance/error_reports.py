"""What an error report (the admins' email, the debug page with DEBUG off) may show of a request.

Django hides what `sensitive_post_parameters` and `sensitive_variables` name, view by view and
function by function. This filter also hides, wherever they appear, the form fields and local
variables that carry private text by their names (evidence, ballots, feedback, reasons, notes,
drafts of minutes, passwords), inside dictionaries too (a form's cleaned data), so a view or
service that forgets its decorator still sends none of it to the admins' mailboxes.
Like Django's own filter, it hides nothing while DEBUG is on: the developer's machine only.
"""

import re
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.views.debug import SafeExceptionReporterFilter

# The names the forms and services give private text (nominations, meetings, governance).
PRIVATE_TEXT_NAMES = frozenset(
    {
        "body",
        "change_note",
        "choice",
        "comment",
        "minutes",
        "nominee_github",
        "nominee_name",
        "notes",
        "public_summary",
        "rationale",
        "reason",
        "reasons",
        "recusal_reason",
        "text",
        "title",
        "to_nominee",
        "to_nominators",
        "verdict",
    }
)
SECRET_WORDS = re.compile(r"pass|secret|token|credential|signature", re.IGNORECASE)
# Deeper than this (or a structure that contains itself), a value is hidden whole.
MAX_DEPTH = 8


def is_private_name(name: object) -> bool:
    return isinstance(name, str) and (name in PRIVATE_TEXT_NAMES or bool(SECRET_WORDS.search(name)))


class PrivateTextReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        return self._without_private_fields(request, super().get_post_parameters(request))

    def get_cleansed_multivaluedict(self, request: HttpRequest, multivaluedict: MultiValueDict):
        cleansed = super().get_cleansed_multivaluedict(request, multivaluedict)
        return self._without_private_fields(request, cleansed)

    def get_traceback_frame_variables(self, request: HttpRequest, tb_frame) -> list:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return list(variables)
        return [(name, self._cleansed(request, name, value)) for name, value in variables]

    def _without_private_fields(self, request: HttpRequest | None, fields: Any) -> Any:
        if not (self.is_active(request) and isinstance(fields, MultiValueDict)):
            return fields
        private = [name for name in fields if is_private_name(name)]
        if not private:
            return fields
        cleansed = fields.copy()
        for name in private:
            cleansed[name] = self.cleansed_substitute
        return cleansed

    def _cleansed(self, request: HttpRequest, name: object, value: Any, depth: int = 0) -> Any:
        if is_private_name(name) or depth > MAX_DEPTH:
            return self.cleansed_substitute
        if isinstance(value, MultiValueDict):
            return self._without_private_fields(request, value)
        if type(value) is dict:
            return {
                key: self._cleansed(request, key, item, depth + 1) for key, item in value.items()
            }
        if type(value) in (list, tuple):
            return type(value)(self._cleansed(request, None, item, depth + 1) for item in value)
        return value
