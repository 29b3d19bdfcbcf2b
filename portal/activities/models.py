"""activities models."""
