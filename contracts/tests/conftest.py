"""The contract tests' own fixture: a real clamd for the antivirus tests."""

from core.tests.clamav import clamd_socket  # noqa: F401
