"""Notifications: the kinds of mail, who wants which, and `notify`, which renders and queues them."""
