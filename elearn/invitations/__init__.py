"""Invitations: managers and administrators invite people into an organisation by email, one
at a time or from a spreadsheet."""
