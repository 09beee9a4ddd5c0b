"""Order storage behind an interface that a database-backed class can replace."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Protocol

from .models import Order, OrderItem, OrderStatus


class OrderRepository(Protocol):
    async def list_orders(
        self, *, status: OrderStatus | None, limit: int
    ) -> list[Order]:
        """Return up to limit orders, oldest first, only of status when it is set."""
        ...

    async def get(self, order_id: str) -> Order | None: ...

    async def add(self, items: Sequence[OrderItem]) -> Order:
        """Store a new pending order and return it with its id."""
        ...

    async def delete(self, order_id: str) -> bool:
        """Remove an order; False when no order has that id."""
        ...

    async def ping(self) -> None:
        """Raise when the storage cannot serve; used as a readiness check."""
        ...


class InMemoryOrderRepository:
    """Orders in process memory: lost on restart and not shared between replicas."""

    def __init__(self) -> None:
        self._orders: dict[str, Order] = {}

    async def list_orders(
        self, *, status: OrderStatus | None, limit: int
    ) -> list[Order]:
        matching = (
            order for order in self._orders.values() if status in (None, order.status)
        )
        return list(islice(matching, limit))

    async def get(self, order_id: str) -> Order | None:
        return self._orders.get(order_id)

    async def add(self, items: Sequence[OrderItem]) -> Order:
        order = Order(
            id=str(uuid.uuid4()),
            status=OrderStatus.PENDING,
            items=tuple(items),
            created_at=datetime.now(UTC),
        )
        self._orders[order.id] = order
        return order

    async def delete(self, order_id: str) -> bool:
        return self._orders.pop(order_id, None) is not None

    async def ping(self) -> None:
        return None
