"""Domain model of an order."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class OrderItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    quantity: int


class Order(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    status: OrderStatus
    items: tuple[OrderItem, ...]
    created_at: datetime
