"""Helpers that more than one chat platform's adapter uses, so each exists once."""
