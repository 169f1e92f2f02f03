"""The GitHub settings refuse, at start-up, a configuration that could only fail later in a
worker where nobody sees it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.env import github_settings_check

PATHS = {"persons_of_interest": "docs/persons_of_interest.md", "owners": "", "codeowners": ""}


def test_it_accepts_github_left_unconfigured():
    github_settings_check(repositories=["", ""], has_credentials=False, sync_paths={})


def test_it_accepts_a_repository_with_a_token_and_paths():
    github_settings_check(repositories=["pytorch/pytorch"], has_credentials=True, sync_paths=PATHS)


@pytest.mark.parametrize(
    ("repositories", "credentials", "paths", "message"),
    [
        (["pytorch"], True, PATHS, "owner/name"),
        (["pytorch/pytorch"], False, PATHS, "without credentials"),
        (["pytorch/pytorch"], True, {"owners": "", "codeowners": ""}, "names a file"),
        (["a/b"], True, {"persons_of_interest": "people.txt"}, ".md or .rst"),
        (["a/b"], True, {"owners": "OWNERS"}, "{slug}"),
    ],
)
def test_it_refuses_a_configuration_that_cannot_work(repositories, credentials, paths, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace(".", r"\.").replace("{", r"\{")):
        github_settings_check(
            repositories=repositories, has_credentials=credentials, sync_paths=paths
        )
