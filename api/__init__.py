"""The public, read-only JSON API (`/api/v1/`): the roster, published minutes and released
announcements, read through the same public selectors as the public pages. Nothing imports it."""
