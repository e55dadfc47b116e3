"""run_artifacts."""
