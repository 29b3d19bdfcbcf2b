"""The resource exchange: offers and requests, suggested matches, agreement and delivery.

models.py (listings, matches, messages, suggestions, reports), matching.py (pure scoring with
reasons), neighbours.py + data/ward_neighbours.csv (approximate ward adjacency), search.py
(PostgreSQL full-text search or SQLite LIKE), rules.py (working-day deadlines, expiry),
services by domain, each adding and flushing for the caller to commit: listings.py, matches.py,
messages.py, progress.py (committed against needed), suggestions.py (re-ranking, by job),
moderation.py, overview.py (an organisation's own exchange), impact.py, notifications.py;
jobs.py (the scheduled expiry, lapsing and nightly re-rank), views.py.
"""
