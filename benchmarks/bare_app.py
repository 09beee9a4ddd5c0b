"""The baseline: a bare FastAPI app serving the rendered service's own Orders routes.

The routers, dependencies and repository are those of the rendered package, imported
as is, so the comparison isolates what create_app adds around them: middleware,
exception handlers, settings and the factors.
"""

import asyncio

from bench_service.api import router
from bench_service.orders.models import OrderItem
from bench_service.orders.repository import InMemoryOrderRepository
from fastapi import FastAPI

repository = InMemoryOrderRepository()
# The service's writes need its token verifier, which a bare app has no place for, so
# the order that the benchmark reads is stored here instead of created over HTTP.
asyncio.run(repository.add([OrderItem(product_id="sku-1", quantity=2)]))

app = FastAPI()
app.state.order_repository = repository
app.include_router(router)
