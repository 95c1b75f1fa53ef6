"""Facilities and housing at cost: units the region holds, offered to members and companies at
their monthly cost less the subsidy members voted, with a waiting list and monthly rent."""
