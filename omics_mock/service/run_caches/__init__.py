"""run_caches."""
