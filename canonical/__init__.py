"""The canonical model of the three tables, their identities, and the writers of outputs."""
