"""A second baseline: the Orders routes written flat on a bare FastAPI app.

It has the paths, JSON shape and in-memory storage of the rendered service's example
API, but declares the routes on the app itself, without the service's nested routers,
dependencies or response conversion, and has none of its middleware. It shows what the
service's route code costs on top of the factors.
"""

import uuid
from datetime import UTC, datetime

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Schema(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class OrderItemBody(Schema):
    product_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    quantity: int = Field(ge=1, le=1000)


class OrderCreate(Schema):
    items: list[OrderItemBody] = Field(min_length=1, max_length=100)


class OrderBody(Schema):
    id: str
    status: str
    items: list[OrderItemBody]
    created_at: datetime


app = FastAPI()
orders: dict[str, OrderBody] = {}


@app.post("/v1/orders", status_code=201)
async def create_order(body: OrderCreate) -> OrderBody:
    order = OrderBody(
        id=uuid.uuid4().hex,
        status="pending",
        items=body.items,
        created_at=datetime.now(UTC),
    )
    orders[order.id] = order
    return order


@app.get("/v1/orders/{order_id}")
async def get_order(order_id: str) -> OrderBody:
    order = orders.get(order_id)
    if order is None:
        raise HTTPException(404, f"Order {order_id} was not found.")
    return order
