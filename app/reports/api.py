"""JSON routes for reports (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["reports"])
