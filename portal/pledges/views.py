"""pledges pages."""

from flask import Blueprint

bp = Blueprint("pledges", __name__)
