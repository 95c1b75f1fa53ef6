"""Delegated voting: a member trusts another with their vote, for every proposal or some kinds."""
