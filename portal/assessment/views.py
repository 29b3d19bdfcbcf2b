"""assessment pages."""

from flask import Blueprint

bp = Blueprint("assessment", __name__)
