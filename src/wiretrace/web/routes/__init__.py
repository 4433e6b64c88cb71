"""One router per resource: articles, families, compare, check, health, pages and docs."""
