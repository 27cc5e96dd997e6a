"""Actual spending against a project's budget lines."""
