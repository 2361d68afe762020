"""The browser tests use the same seeded `catalog serve` as the client tests."""

from tests.e2e.clients.conftest import catalog_server

__all__ = ["catalog_server"]
