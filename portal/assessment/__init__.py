"""Self-assessment against the Anchor Progression Framework.

The framework is versioned data (YAML in `frameworks/`, loaded by `flask assessment
load-frameworks` or `flask demo-data`); an organisation answers one cycle a year, dimension by
dimension, then sees its results against its network and manages an action plan.
"""
