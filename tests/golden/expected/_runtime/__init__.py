"""The generated code every package of oaskit shares: the same in each, whatever its spec.

`client` and `server` send and serve requests; `style` writes and reads parameters by their
`style` and `explode` (OAS 3.1 4.8.12.4); `media` writes and reads request bodies by media type;
`types` validates JSON and form data into models and lists, maps and unions of them.
The client's modules need only httpx and pydantic, the server's FastAPI.
"""
