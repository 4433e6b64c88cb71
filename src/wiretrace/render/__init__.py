"""Renderings of results for people: HTML pages and terminal tables (no algorithms here)."""
