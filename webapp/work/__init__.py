"""Officers' work pages: inbox, task page, monitor, notifications."""
