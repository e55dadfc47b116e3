"""Variant stores."""
