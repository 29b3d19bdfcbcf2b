"""assessment models."""
