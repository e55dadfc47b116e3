"""What the analytics plane's families share: store statuses and outputs, names, access
for new customers, import jobs and their lifecycle, file checks (no family here)."""
