"""URL patterns of the evaluations app, one module per area; evaluations/urls.py concatenates them."""
