"""Annotation stores and their versions."""
