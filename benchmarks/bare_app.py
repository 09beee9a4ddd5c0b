"""The baseline: a bare FastAPI app serving the rendered service's own Orders routes.

The routers, dependencies and repository are those of the rendered package, imported
as is, so the comparison isolates what create_app adds around them: middleware,
exception handlers, settings and the factors.
"""

from bench_service.api import router
from bench_service.orders.repository import InMemoryOrderRepository
from fastapi import FastAPI

app = FastAPI()
app.state.order_repository = InMemoryOrderRepository()
app.include_router(router)
