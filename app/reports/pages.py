"""Page routes for reports (being built)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
