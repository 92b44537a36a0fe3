"""The mail outbox: rows queued in the event's own transaction (queue.py), sent by a deliverer (deliver.py)."""
