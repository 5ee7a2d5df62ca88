"""Reads for the public outputs: pages, the API, feeds and exports.

visibility.py is the one place that turns the models' rule of who may see what into
querysets; cards.py and tree.py are shared pieces; listing.py is the statement list's
flow (filter, rank or date order, page) for the page and the API alike; the other modules
build one family of pages each. Every function here returns public records only, nested
ones included, in a fixed number of queries whatever the size of the data.
"""
