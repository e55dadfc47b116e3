"""Read sets: their bytes, metadata, direct (multipart) upload, archiving."""
