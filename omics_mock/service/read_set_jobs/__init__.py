"""Read set import, export and activation jobs."""
