"""Members: joining, logging in (pages and API tokens), leaving."""
