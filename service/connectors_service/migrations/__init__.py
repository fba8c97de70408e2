"""Alembic migrations of the store's schema; `db.create_schema` runs them."""
