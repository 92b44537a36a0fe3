"""JSON routes for measures (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["measures"])
