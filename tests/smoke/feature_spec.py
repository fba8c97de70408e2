"""A hand-written spec with one operation per request feature the real sample may lack.

Every body kind (JSON, `+json`, form, multipart with a file, octet-stream, text), every
parameter location and the common styles (form exploded and not, space- and pipe-delimited,
deepObject, label and matrix paths, simple headers of non-string types, cookies), every kind of
credential, and responses without a 2xx (a 3xx, only `default`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["FEATURE_SPEC"]


def _schema(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


_ITEM_200 = {"200": {"description": "The item.", **_json(_schema("Item"))}}


def _query(name: str, schema: dict[str, Any], **style: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": True, "schema": schema, **style}


_TAGS = {"type": "array", "items": {"type": "string"}, "minItems": 2}
_FILTER = {
    "type": "object",
    "properties": {"color": {"type": "string"}, "size": {"type": "integer"}},
    "required": ["color", "size"],
}

FEATURE_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Smoke features", "version": "1.0.0"},
    "security": [{"bearer": []}],
    "paths": {
        "/items/{item-id}/parts/{part}": {
            "get": {
                "operationId": "getPart",
                "summary": "Path parameters: a non-identifier name and an integer.",
                "parameters": [
                    {
                        "name": "item-id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "part", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "responses": _ITEM_200,
            }
        },
        "/styled/{label}/{matrix}": {
            "get": {
                "operationId": "styledPath",
                "summary": "Label and matrix path parameters.",
                "parameters": [
                    {
                        "name": "label",
                        "in": "path",
                        "required": True,
                        "style": "label",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "matrix",
                        "in": "path",
                        "required": True,
                        "style": "matrix",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": _ITEM_200,
            }
        },
        "/search": {
            "get": {
                "operationId": "search",
                "summary": "Query parameters of every common style.",
                "parameters": [
                    _query("q", {"type": "string", "minLength": 3}),
                    _query("limit", {"type": "integer", "minimum": 5, "maximum": 50}),
                    _query("exact", {"type": "boolean"}),
                    _query("since", {"type": "string", "format": "date"}),
                    _query("order", {"type": "string", "enum": ["asc", "desc"]}),
                    _query("tags", _TAGS),
                    _query("ids", _TAGS, style="form", explode=False),
                    _query("words", _TAGS, style="spaceDelimited", explode=False),
                    _query("codes", _TAGS, style="pipeDelimited", explode=False),
                    _query("filter", _FILTER, style="deepObject", explode=True),
                ],
                "responses": {
                    "200": {
                        "description": "The page.",
                        **_json({"type": "array", "items": _schema("Item")}),
                    }
                },
            }
        },
        "/headers": {
            "get": {
                "operationId": "headers",
                "summary": "Header and cookie parameters of several types.",
                "parameters": [
                    {
                        "name": "X-Count",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "X-Flag",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "boolean"},
                    },
                    {"name": "X-Ratio", "in": "header", "schema": {"type": "number"}},
                    {"name": "X-Names", "in": "header", "schema": _TAGS},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    {
                        "name": "session",
                        "in": "cookie",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "visits", "in": "cookie", "schema": {"type": "integer"}},
                ],
                "responses": _ITEM_200,
            }
        },
        "/items": {
            "post": {
                "operationId": "createItem",
                "summary": "A JSON body (readOnly members are not sent); 201.",
                "requestBody": {"required": True, **_json(_schema("Item"))},
                "responses": {"201": {"description": "Created.", **_json(_schema("Item"))}},
            },
            "patch": {
                "operationId": "patchItem",
                "summary": "An application/*+json body.",
                "requestBody": {
                    "required": True,
                    "content": {"application/merge-patch+json": {"schema": _schema("Item")}},
                },
                "responses": _ITEM_200,
            },
        },
        "/forms": {
            "post": {
                "operationId": "submitForm",
                "summary": "A form-urlencoded body.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "count": {"type": "integer"},
                                    "agree": {"type": "boolean"},
                                },
                                "required": ["name", "count"],
                            }
                        }
                    },
                },
                "responses": _ITEM_200,
            }
        },
        "/uploads": {
            "post": {
                "operationId": "upload",
                "summary": "A multipart body with a file and a text field.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "caption": {"type": "string"},
                                },
                                "required": ["file"],
                            }
                        }
                    },
                },
                "responses": {"204": {"description": "Stored."}},
            }
        },
        "/blobs": {
            "put": {
                "operationId": "putBlob",
                "summary": "An octet-stream body.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {"204": {"description": "Stored."}},
            }
        },
        "/notes": {
            "post": {
                "operationId": "postNote",
                "summary": "A text/plain body.",
                "requestBody": {
                    "required": True,
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                },
                "responses": _ITEM_200,
            }
        },
        "/secured/query": {
            "get": {
                "operationId": "byQueryKey",
                "security": [{"queryKey": []}],
                "responses": _ITEM_200,
            }
        },
        "/secured/header": {
            "get": {
                "operationId": "byHeaderKey",
                "security": [{"headerKey": []}],
                "responses": _ITEM_200,
            }
        },
        "/secured/cookie": {
            "get": {
                "operationId": "byCookieKey",
                "security": [{"cookieKey": []}],
                "responses": _ITEM_200,
            }
        },
        "/secured/basic": {
            "get": {"operationId": "byBasic", "security": [{"basic": []}], "responses": _ITEM_200}
        },
        "/secured/oauth": {
            "get": {
                "operationId": "byOauth",
                "security": [{"oauth": ["read"]}],
                "responses": _ITEM_200,
            }
        },
        "/moved": {
            "get": {
                "operationId": "moved",
                "summary": "Only a redirect is documented: the client raises for it.",
                "responses": {
                    "302": {
                        "description": "Elsewhere.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/fallback": {
            "get": {
                "operationId": "fallback",
                "summary": "Only `default` is documented.",
                "responses": {"default": {"description": "An error.", **_json(_schema("Error"))}},
            }
        },
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid", "readOnly": True},
                    "name": {"type": "string", "maxLength": 40},
                    "price": {"type": "number", "minimum": 0, "exclusiveMinimum": 0},
                    "kind": {"type": "string", "enum": ["tool", "toy"]},
                    "created": {"type": "string", "format": "date-time"},
                    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                    "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2}$"},
                    "secret": {"type": "string", "writeOnly": True},
                    "extra": {"type": "object", "additionalProperties": {"type": "integer"}},
                },
                "required": ["name", "kind"],
            },
            "Error": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "headerKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            "cookieKey": {"type": "apiKey", "in": "cookie", "name": "token"},
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://example.com/token",
                        "scopes": {"read": "Read."},
                    }
                },
            },
        },
    },
}
