"""Regions (co-ops): their parameters, with the history of every change."""
