"""Reference stores, references and reference import jobs."""
