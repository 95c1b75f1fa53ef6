"""In-app notifications (closing reminders, and later: delegations, invitations)."""
