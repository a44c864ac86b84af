"""A review session over the queue: navigation, search, filters, undo, memory matches.

Above the queue (it reads the translation memory and the confidence
thresholds) and below the CLI, which only reads keys and draws what a
:class:`~transflow.review.session.ReviewSession` says.
"""
