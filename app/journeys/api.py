"""JSON routes for journeys (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["journeys"])
