"""run_groups."""
