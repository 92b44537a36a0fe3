"""Pages: the council's feedback (import, themes, suggestions, trends and the comments behind them)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
