"""Bringing a network's history in from spreadsheets: every row through the forms and services
that a person typing it would meet, all rows in one transaction or none."""
