"""Prefect 3 flows: ingest a batch of scanner output, reindex. Tasks are thin wrappers over pure functions."""
