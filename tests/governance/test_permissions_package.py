"""The policy is read as `permissions.<name>`, whichever of its modules defines the name: each
module lists its predicates in `__all__`, and the package re-exports them."""

import importlib
import inspect
import pkgutil
from collections import Counter

from governance import permissions


def policy_modules() -> list:
    return [
        importlib.import_module(f"{permissions.__name__}.{module.name}")
        for module in pkgutil.iter_modules(permissions.__path__)
    ]


def test_it_offers_every_predicate_of_its_modules_from_the_package():
    unreachable = [
        f"{module.__name__}.{name}"
        for module in policy_modules()
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
        and getattr(permissions, name, None) is not value
    ]
    assert unreachable == []


def test_it_defines_each_name_in_one_module_only():
    exported = Counter(name for module in policy_modules() for name in module.__all__)
    assert [name for name, modules in exported.items() if modules > 1] == []
