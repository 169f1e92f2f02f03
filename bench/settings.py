"""The production settings, plus the benchmark's ceiling URL (bench.urls). Only `make bench`
uses this module, so the ceiling never exists in the site's own URLs."""

from governance.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
