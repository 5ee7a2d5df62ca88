"""Caching of what anonymous readers see, made exact by one content generation.

``generation`` holds the stamp that every editorial write changes; ``pages`` is the
middleware that serves public responses from the shared cache, keyed on that stamp;
``charts`` says whose timeline chart a write changes, for the charts kept per person;
``card_versions`` says whose card, for the cards kept per statement.
"""
