"""Pages: the council's cadence (meeting series): set it in plain words, preview, skip a date, end it."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError

from app.db import SessionDep
from app.errors import Invalid
from app.meetings import series as cadence
from app.meetings.series import ORDINALS, WEEKDAY_NAMES, Outcome, SeriesIn
from app.models import Role, utcnow
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt, form_errors, whole_or_text
from app.web.navigation import nav
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)
EXTRA_SHOWN = 6  # dates shown beyond those created, so one not yet created can be skipped


def _form_of(series) -> dict:
    """The form's values for a stored cadence (or the defaults for a new one)."""
    form = {"pattern": "monthly", "ordinal": "2", "weekday": "MO", "interval": "2", "week_day": "MO", "rule": ""}
    form.update({"starts_on": date.today().isoformat(), "start_time": "10:00", "duration_minutes": "120"})
    form.update({"location": "", "title": "", "ahead": "6", "until": ""})
    if series is None:
        return form
    parts = cadence._parts(series.rule)
    nth = cadence._nth_weekday(parts)
    keys = set(parts) - {"FREQ", "INTERVAL"}
    if parts["FREQ"] == "MONTHLY" and nth and keys == {"BYDAY"} and parts.get("INTERVAL", "1") == "1":
        form.update(pattern="monthly", ordinal=str(nth[0]), weekday=nth[1])
    elif parts["FREQ"] == "WEEKLY" and keys == {"BYDAY"} and parts["BYDAY"] in WEEKDAY_NAMES:
        form.update(pattern="weekly", interval=parts.get("INTERVAL", "1"), week_day=parts["BYDAY"])
    else:
        form.update(pattern="rule")
    form.update(
        rule=series.rule,
        starts_on=series.starts_on.isoformat(),
        start_time=series.start_time.strftime("%H:%M"),
        duration_minutes=str(series.duration_minutes),
        location=series.location,
        title=series.title,
        ahead=str(series.ahead),
        until=series.until.isoformat() if series.until else "",
    )
    return form


def _rule_of(pattern: str, ordinal: str, weekday: str, interval: str, week_day: str, rule: str) -> str:
    if pattern == "monthly":
        return f"FREQ=MONTHLY;BYDAY={ordinal}{weekday}"
    if pattern == "weekly":
        return f"FREQ=WEEKLY;INTERVAL={interval.strip() or '1'};BYDAY={week_day}"
    return rule


def _page(request, session, user, access, *, form: dict, preview=None, preview_error: str = ""):
    council = access.council
    series = cadence.get_series(session, council)
    public = cadence.series_public(session, council, series) if series else None
    dates = cadence.upcoming(session, council, series, now=utcnow(), count=series.ahead + EXTRA_SHOWN) if series else []
    return render(
        request,
        "cadence.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "nav": nav(session=session, council=council, here="council"),
            "is_chair": access.is_(Role.chair),
            "series": public,
            "dates": dates,
            "form": form,
            "preview": preview,
            "preview_error": preview_error,
            "ordinals": ORDINALS,
            "weekdays": WEEKDAY_NAMES,
        },
    )


@router.get("/councils/{council_id}/cadence")
def cadence_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """The council's cadence in words, its next dates, and (for the chair) the form to change it."""
    return _page(request, session, user, access, form=_form_of(cadence.get_series(session, access.council)))


def _said(outcome: Outcome) -> str:
    parts = ["Cadence saved."]
    if outcome.created:
        parts.append("Meetings " + ", ".join(str(m.number) for m in outcome.created) + " created.")
    if outcome.removed:
        parts.append("Removed untouched meetings " + ", ".join(map(str, outcome.removed)) + ".")
    for kept in outcome.kept:
        parts.append(f"Kept meeting {kept.number} ({kept.local_start:%-d %b %Y}): {kept.why}.")
    return " ".join(parts)


@router.post("/councils/{council_id}/cadence", dependencies=[CsrfChecked])
def save_cadence_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    intent: Annotated[str, Form()] = "save",
    pattern: Annotated[str, Form()] = "monthly",
    ordinal: Annotated[str, Form()] = "2",
    weekday: Annotated[str, Form()] = "MO",
    interval: Annotated[str, Form()] = "1",
    week_day: Annotated[str, Form()] = "MO",
    rule: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    start_time: Annotated[str, Form()] = "",
    duration_minutes: Annotated[str, Form()] = "120",
    location: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    ahead: Annotated[str, Form()] = "6",
    until: Annotated[str, Form()] = "",
):
    """Preview the next dates (anyone with a seat) or save the cadence (chair)."""
    typed = {
        "pattern": pattern, "ordinal": ordinal, "weekday": weekday, "interval": interval, "week_day": week_day,
        "rule": rule, "starts_on": starts_on, "start_time": start_time, "duration_minutes": duration_minutes,
        "location": location, "title": title, "ahead": ahead, "until": until,
    }  # fmt: skip
    values = {
        "rule": _rule_of(pattern, ordinal, weekday, interval, week_day, rule),
        "starts_on": starts_on,
        "start_time": start_time,
        "duration_minutes": whole_or_text(duration_minutes, blank=duration_minutes),
        "location": location,
        "title": title,
        "ahead": whole_or_text(ahead, blank=ahead),
        "until": until or None,
    }
    if intent == "preview":
        try:
            shown = cadence.preview(
                access.council,
                cadence.PreviewIn.model_validate(
                    {k: values[k] for k in ("rule", "starts_on", "start_time", "duration_minutes", "until")}
                ),
            )
            return _page(request, session, user, access, form=typed, preview=shown)
        except ValidationError as exc:
            return _page(request, session, user, access, form=typed, preview_error=form_errors(exc))
    access.require(Role.chair, doing="change the council's cadence")
    request.state.typed = typed

    def apply():
        series = cadence.get_series(session, access.council)
        series_in = SeriesIn.model_validate(
            {**values, "skipped": cadence.series_in_of(series).skipped if series else []}
        )
        return cadence.save_series(session=session, council=access.council, series_in=series_in, series=series)[1]

    attempt(request, session, apply, success=_said)
    return redirect(f"/councils/{access.council.id}/cadence")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"day: '{value[:20]}' is not a date; use YYYY-MM-DD", field="day") from None


@router.post("/councils/{council_id}/cadence/skip", dependencies=[CsrfChecked])
def skip_form(request: Request, session: SessionDep, access: PageCouncil, day: Annotated[str, Form()] = ""):
    """Skip one date of the cadence (chair): its meeting is cancelled, or never created."""
    return _change_one_date(request, session, access, day, cadence.skip_date)


@router.post("/councils/{council_id}/cadence/unskip", dependencies=[CsrfChecked])
def unskip_form(request: Request, session: SessionDep, access: PageCouncil, day: Annotated[str, Form()] = ""):
    """Meet on a skipped date after all (chair)."""
    return _change_one_date(request, session, access, day, cadence.unskip_date)


def _change_one_date(request: Request, session, access, day: str, change):
    """Skip or un-skip one date (chair), saying what happened, back on the cadence's dates."""
    access.require(Role.chair, doing="change the council's cadence")

    def apply():
        series = cadence.require_series(session, access.council)
        return change(session=session, council=access.council, series=series, day=_day(day))

    attempt(request, session, apply, success="{result}")
    return redirect(f"/councils/{access.council.id}/cadence#dates-h")


@router.post("/councils/{council_id}/cadence/end", dependencies=[CsrfChecked])
def end_form(request: Request, session: SessionDep, access: PageCouncil, until: Annotated[str, Form()] = ""):
    """End the cadence (chair): on a date, or today when none is given."""
    access.require(Role.chair, doing="change the council's cadence")

    def apply():
        series = cadence.require_series(session, access.council)
        last = _day(until) if until.strip() else utcnow().date()
        series_in = cadence.series_in_of(series, until=last)
        outcome = cadence.save_series(session=session, council=access.council, series_in=series_in, series=series)[1]
        return outcome

    def said(outcome: Outcome) -> str:
        text = _said(outcome).replace("Cadence saved.", "The cadence ends; no meetings are created after its end.")
        return text

    attempt(request, session, apply, success=said)
    return redirect(f"/councils/{access.council.id}/cadence")
