"""Browser fixtures (browser, page, phone) live in tests/conftest.py: one Chromium for the whole run."""
