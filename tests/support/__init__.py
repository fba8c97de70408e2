"""Helpers the test packages share: servers the tests need, found or started."""
