"""Convenor insights (issue 12)."""
