"""Orchestration: walking inputs, the Prefect flow, and the command line. No document logic."""
