"""Where a meeting stands, by the clock: scheduled → in progress (from its start) → held.

The stored status says only what people decided (scheduled, held, cancelled); the state a
person sees follows the clock too, so a meeting whose time has come is no longer listed
as upcoming, and one that has ended is held even before its minutes mark it so.

The rules are defined beside the Meeting table (app/models/meetings.py) so that the
navigation, which sits below the domains, uses the same ones; import them from here.
"""

from app.models.meetings import MeetingState, has_started, is_upcoming, meeting_ends_at, meeting_state

__all__ = ["MeetingState", "has_started", "is_upcoming", "meeting_ends_at", "meeting_state"]
