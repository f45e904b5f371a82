"""Detectors: one module per kind of value the guard reads in a draft."""
