"""An orders API whose planted 500 only a run with enough examples finds.

The defect is of the kind random data finds and boundary values do not: an order of whole
crates leaves no loose items, and the price per loose item divides by their count. The coverage
phase tries the bounds of `quantity` (1, 10000 and their neighbours), none a multiple of 37;
the fuzzing phase has to draw one.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CRATE = 37
# With this seed, schemathesis 4.32 (Hypothesis 6.170) draws a multiple of 37 within 100
# examples but not within 25.
SEED = 1
QUANTITY: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 10000}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Orders", "version": "1.0.0"},
    "paths": {
        "/orders": {
            "post": {
                "operationId": "createOrder",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["quantity"],
                                "additionalProperties": False,
                                "properties": {"quantity": QUANTITY},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["quantity", "crates"],
                                    "properties": {
                                        "quantity": QUANTITY,
                                        "crates": {"type": "integer", "minimum": 0},
                                    },
                                }
                            }
                        },
                    },
                    "422": {"description": "Not an order"},
                },
            }
        }
    },
}


def build_app() -> FastAPI:
    """The orders API with its planted defect."""
    app = FastAPI()

    @app.post("/orders", status_code=201, response_model=None)
    async def create_order(request: Request) -> Any:
        try:
            body = await request.json()
        except ValueError:
            body = None
        quantity = body.get("quantity") if isinstance(body, dict) else None
        # JSON Schema's `integer` is any number without a fractional part: 37.0 is one too
        # (JSON Schema 2020-12 validation, section 6.1.1).
        if isinstance(quantity, float) and quantity.is_integer():
            quantity = int(quantity)
        if (
            not isinstance(body, dict)
            or set(body) != {"quantity"}
            or not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or not 1 <= quantity <= 10000
        ):
            return JSONResponse({"detail": "not an order"}, status_code=422)
        crates, loose = divmod(quantity, CRATE)
        if loose == 0:
            # The planted defect: `1 / loose` raised ZeroDivisionError.
            return JSONResponse({"detail": "division by zero"}, status_code=500)
        return {"quantity": quantity, "crates": crates}

    return app
