"""Delivery of notifications beyond the in-app list: by e-mail and to group robots."""
