"""Variant and annotation import jobs."""
