"""scorecard models."""
