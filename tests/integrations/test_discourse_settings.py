"""The forum is configured by four variables, all or none: a partial configuration stops
start-up with a message naming what is missing, instead of leaving the integration silently off."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.services.forum import discourse_config
from integrations.discourse import DiscourseConfig
from tests.governance.test_settings_env import load_settings

DISCOURSE = ("DISCOURSE_URL", "DISCOURSE_API_KEY", "DISCOURSE_API_USERNAME", "DISCOURSE_CATEGORY")


@pytest.fixture
def clean_env(monkeypatch):
    for name in DISCOURSE:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_it_is_off_with_none_of_the_variables(clean_env):
    loaded = load_settings(clean_env, DEBUG="true")
    assert [loaded[name] for name in DISCOURSE] == ["", "", "", 0]


def test_it_reads_all_four(clean_env):
    loaded = load_settings(
        clean_env,
        DEBUG="true",
        DISCOURSE_URL="https://discuss.example.org/",
        DISCOURSE_API_KEY="k",
        DISCOURSE_API_USERNAME="bot",
        DISCOURSE_CATEGORY="12",
    )
    assert [loaded[name] for name in DISCOURSE] == ["https://discuss.example.org", "k", "bot", 12]


def test_it_refuses_a_partial_configuration(clean_env):
    with pytest.raises(ImproperlyConfigured, match="missing: DISCOURSE_API_KEY, DISCOURSE_CAT"):
        load_settings(
            clean_env,
            DEBUG="true",
            DISCOURSE_URL="https://discuss.example.org",
            DISCOURSE_API_USERNAME="bot",
        )


def test_it_refuses_a_url_that_is_not_http(clean_env):
    with pytest.raises(ImproperlyConfigured, match="DISCOURSE_URL must start with"):
        load_settings(clean_env, DEBUG="true", DISCOURSE_URL="discuss.example.org")


def test_it_has_no_client_configuration_in_the_tests_by_default():
    assert discourse_config() is None


def test_it_keeps_the_key_out_of_the_config_repr():
    config = DiscourseConfig("https://discuss.example.org", "QXKEY", "bot", 1)
    assert "QXKEY" not in repr(config)
