"""The bottom layer: the data every stage hands on (grids, scan settings, the report). It
imports nothing of the project."""
