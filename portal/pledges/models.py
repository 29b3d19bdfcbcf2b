"""pledges models."""
