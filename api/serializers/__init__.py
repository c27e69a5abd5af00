"""The API's serializers: shared pieces and the core endpoints (core), work endpoints (work)."""
