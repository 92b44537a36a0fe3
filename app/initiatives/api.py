"""JSON routes for initiatives (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["initiatives"])
