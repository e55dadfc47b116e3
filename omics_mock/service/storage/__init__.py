"""What the storage plane's families share: stored bytes, content digests, names,
job lifecycles, list filters and the questions other planes ask (no family here)."""
