"""Test helpers: link each test to the threats and security requirements it verifies.

The simulator fixtures (simulator, tampered_package, release_key, …) come from the
firmware host simulator's pytest plugin, which is not part of this example.
"""

import pytest


@pytest.fixture
def verifies(record_property):
    """verifies("SEC-REQ-001", "THR-001") records the ids as JUnit properties."""

    def record(*ids: str) -> None:
        for item in ids:
            record_property("threat" if item.startswith("THR-") else "requirement", item)

    return record
