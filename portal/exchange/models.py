"""exchange models."""
