"""transflow: offline translation of news articles into a gettext review queue."""

__version__ = "0.1.0"
