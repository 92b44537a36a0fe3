"""Pages: my actions, the council's action log, one action with its history."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
