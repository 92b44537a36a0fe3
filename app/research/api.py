"""JSON routes for research (being built)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["research"])
