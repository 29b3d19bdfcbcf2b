"""The resource exchange: offers and requests, suggested matches, agreement and delivery.

models.py (listings, matches, messages, suggestions, reports), matching.py (pure scoring with
reasons), neighbours.py + data/ward_neighbours.csv (approximate ward adjacency), search.py
(PostgreSQL full-text search or SQLite LIKE), rules.py (working-day deadlines, expiry),
services.py (state changes and queries), jobs.py (re-ranking, expiry, lapsing), views.py.
"""
