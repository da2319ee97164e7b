"""Readers for each source format, all returning the project's tidy tables."""
