"""Pages of 述职评议 (``duty``) and 一定三有 (``measures``).

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""
