from pathlib import Path

import pytest

# pytest's importlib mode registers the folder gateway/ as an empty module named `gateway`
# when it imports gateway/tests/conftest.py, hiding the real package (gateway/src/gateway);
# importing the real one first, here at the root, keeps it in place.
import gateway  # noqa: F401

# The longest tests (processes killed, replicas raced: up to half a minute each) run first.
# Collected last, they were handed out at the end of a run, where a worker busy with one of
# them leaves the other with nothing to do.
LONGEST = Path(__file__).parent / "tests" / "faults"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: LONGEST not in item.path.parents)
