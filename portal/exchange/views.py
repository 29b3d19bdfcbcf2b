"""exchange pages."""

from flask import Blueprint

bp = Blueprint("exchange", __name__)
