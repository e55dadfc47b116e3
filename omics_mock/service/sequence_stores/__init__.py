"""Sequence stores and their S3 access policies."""
