"""Mail to members and to people invited to join: queued in the database, sent by the scheduler."""
