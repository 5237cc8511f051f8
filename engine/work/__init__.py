"""Officers' work: inbox, task pages, comments, attachments, notifications, saved filters,
history and the monitor of late work."""
