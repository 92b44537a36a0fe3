"""Pages: a meeting's agenda as people read it before the meeting, and the chair's publish form.

The page renders the typed `Agenda` from `agenda_service.get_agenda` and computes no
content of its own; the only extra reads are the reader's own answer to the invitation and the quorum
forecast, which must show their current state even on an agenda frozen before them.
"""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from markupsafe import Markup

from app.agendas import bodies, carry, publish
from app.agendas import service as agenda_service
from app.agendas.bodies import ROW_PARTS, SAME_FOR_EVERYONE, SPLIT_ROWS
from app.agendas.cache import AgendaCache
from app.agendas.calendar import agenda_path
from app.agendas.model import LiveAgenda
from app.agendas.summary import section_summary
from app.common import IdPath
from app.db import SessionDep
from app.display import local_date
from app.errors import Forbidden
from app.meetings import responses, service
from app.models import MeetingStatus, Role
from app.papers import view as paper_view
from app.web.csrf import CsrfChecked
from app.web.deps import PageMeeting, PageUser
from app.web.forms import attempt
from app.web.navigation import nav
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/meetings/{meeting_id}/agenda")
def agenda_page(request: Request, session: SessionDep, user: PageUser, found: PageMeeting, live: str = ""):
    """The nine-section agenda: the draft, or once published what was circulated (`?live=1` compares).

    `live` is read as a page reads its query string: anything but a clear yes is the circulated
    agenda, never an error page."""
    access, meeting = found.access, found.meeting
    observer = access.is_(Role.observer)
    live = live.strip().lower() in ("1", "true", "yes", "on") and not observer
    cache = request.app.state.agenda_cache
    view = None
    try:
        snapshot, stamp = agenda_service.agenda_source(session=session, access=access, meeting=meeting, live=live)
        view = kept_view(access=access, meeting=meeting, live=live, snapshot=snapshot, stamp=stamp, cache=cache)
        if view is None:
            entry = agenda_service.kept_entry(
                session=session, access=access, meeting=meeting, live=live, snapshot=snapshot, cache=cache, stamp=stamp
            )
            agenda = entry.agenda
        else:
            entry, agenda = None, view.page.agenda
    except Forbidden:
        entry = agenda = None  # an observer, before the chair has published
    if agenda is not None and agenda.status == "draft":
        live = False  # a draft is already today's data
    # AOB raised after publication is not on the circulated agenda yet; the person who
    # just raised it should still see it arrived.
    aob = service.list_aob(session=session, meeting=meeting)
    pending_aob = []
    if agenda is not None and agenda.status == "published" and not live:
        circulated = {item.id for section in agenda.sections if section.key == "aob" for item in section.items}
        pending_aob = [i for i in aob if i.id not in circulated]
    aob_ids = [i.id for i in aob]
    carried = carry.carried_ids(session=session, item_ids=aob_ids)
    if view is not None:  # the page's part of the agenda, with its shared HTML
        summaries, shared_html, parts = view.page.summaries, view.bodies, view.bodies[ROW_PARTS]
    elif entry is not None:
        summaries = {s.anchor: section_summary(s) for s in entry.agenda.sections}
        shared_html = section_bodies(entry, council_id=access.council.id, cache=cache)
        parts = row_parts(entry)
    else:
        summaries, shared_html, parts = {}, {}, {key: {} for key in SPLIT_ROWS}
    published_on = None
    if agenda is not None and agenda.published_at is not None:
        published_on = local_date(agenda.published_at, access.council.timezone)
    return render(
        request,
        "agenda.html",
        {
            "user": user,
            "access": access,
            "council": access.council,
            "nav": nav(session=session, council=access.council, here="agenda", meeting=meeting),
            "meeting": meeting,
            "local": service.meeting_public(meeting, access.council),
            "agenda": agenda,
            "live": live,
            "published_on": published_on,
            "pending_aob": pending_aob,
            "changed": set(agenda.changed_sections) if isinstance(agenda, LiveAgenda) else set(),
            "is_chair": access.is_(Role.chair),
            "seated": not observer,
            "open": meeting.status == MeetingStatus.scheduled,
            "meeting_card": service.meeting_card(session=session, access=access, meeting=meeting),
            # Live, even on an agenda frozen before they were given: my answer and the forecast.
            "my_answer": responses.load_responses(session=session, meeting=meeting).get(access.membership.id),
            "answering": responses.answers_open(session=session, meeting=meeting),
            "records_answers": access.is_(Role.chair, Role.secretary),
            "delegate_choices": responses.delegate_choices(
                session=session, council_id=access.council.id, me=access.membership.id
            ),
            "forecast": responses.meeting_forecast(session=session, council=access.council, meeting=meeting),
            "here": agenda_path(meeting.id),
            "carried": carried,
            "carriable": set(aob_ids) - carried,
            "papers_view": agenda_papers_view(
                session=session, access=access, meeting=meeting, agenda=agenda, live=live
            ),
            # What each section holds, shown while it is collapsed on a phone.
            "summaries": summaries,
            "bodies": shared_html,
            "notices": notices_view(session=session, access=access, meeting=meeting, agenda=agenda, live=live),
            "row_parts": parts,
        },
    )


def kept_view(*, access, meeting, live: bool, snapshot, stamp: str | None, cache: AgendaCache | None):
    """For a worker that does not hold the agenda asked for (its first open of a council's agenda page, the shared
    folder holding what another process built): only the page's part of it with its shared HTML, a fifteenth of the
    agenda's reading (app/agendas/page_agenda.py). None when the worker holds the agenda, or the folder has not
    both: the page then reads the agenda as before. The circulated agenda or the draft only (not the live one)."""
    if live or cache is None or cache.shared is None:
        return None
    if snapshot is None and access.is_(Role.chair):
        # The chair of a draft may publish it next, which freezes the draft the worker holds rather than reading it
        # (service.freeze_agenda): the chair's page reads it whole, as before.
        return None
    key = agenda_service.agenda_key(access=access, meeting=meeting, live=live, snapshot=snapshot, stamp=stamp)
    if key is None or cache.get(key) is not None:
        return None
    return bodies.kept_view(key, council_id=access.council.id, cache=cache, same=SAME_FOR_EVERYONE)


def section_bodies(entry, *, council_id: int, cache: AgendaCache | None = None) -> dict[str, object]:
    """The HTML of each SAME_FOR_EVERYONE section's body (its template rendered alone, as the page would include
    it), and each SPLIT_ROWS row's parts, kept with the agenda entry: most of a five-year council's page, rendered
    once per change of the agenda, and once per server (app/agendas/bodies.py).

    An agenda whose sections are those of another kept in `cache` for the meeting (the circulated copy of a kept
    draft, or a version published again unchanged) takes that one's bodies rather than rendering them again, so the
    chair's page after publishing costs what a kept page does (about half of it was this rendering)."""
    return bodies.kept_bodies(entry, council_id=council_id, cache=cache, same=SAME_FOR_EVERYONE)


def notices_view(*, session, access, meeting, agenda, live: bool):
    """The circulated version's notices as the chair and secretary follow them: being sent, sent, or failed."""
    if agenda is None or agenda.status != "published" or live or not access.is_(Role.chair, Role.secretary):
        return None
    return publish.notices_state(
        session=session, meeting_id=meeting.id, version=agenda.version, timezone=access.council.timezone
    )


def row_parts(entry) -> dict[str, dict[int, tuple[Markup, Markup]]]:
    """Each SPLIT_ROWS row as two rendered templates, the part before its papers and the part after, by section and
    row id: kept with the agenda entry with section_bodies, so a view renders only the papers between them (each
    reader's own rights), not most of a five-year council's page again."""
    assert entry.bodies is not None  # kept by section_bodies, which the page calls first
    return entry.bodies[ROW_PARTS]


def agenda_papers_view(*, session, access, meeting, agenda, live: bool):
    """Who may attach and remove papers on this agenda, and (on the circulated one) what was attached since."""
    if agenda is None:
        return None
    shown = {listed.paper.id for listed in agenda.paper_listing()}
    initiatives = [row.id for s in agenda.sections if s.key == "initiatives" for row in s.initiatives]
    return paper_view.meeting_page_papers(
        session=session,
        access=access,
        meeting=meeting,
        back=agenda_path(meeting.id) + ("?live=1" if live else ""),
        shown=shown,
        initiative_ids=initiatives,
    )


@router.post("/meetings/{meeting_id}/agenda/publish", dependencies=[CsrfChecked])
def publish_agenda_form(request: Request, session: SessionDep, found: PageMeeting, after: BackgroundTasks):
    """Freeze and circulate the agenda (chair); the pack and the notices are prepared by a job, after the commit."""
    done, _ = attempt(
        request,
        session,
        lambda: publish.publish_agenda(
            session=session,
            access=found.access,
            meeting=found.meeting,
            cache=request.app.state.agenda_cache,
        ),
        keep=(404,),
        success="Agenda published as version {result.version}: this is the version members now see. "
        "The pack and the notices to every seat are being prepared and will be on their way shortly.",
    )
    if done:
        after.add_task(request.app.state.jobs.after_commit)
    return redirect(agenda_path(found.meeting.id))


@router.post("/meetings/{meeting_id}/agenda/notices/again", dependencies=[CsrfChecked])
def send_notices_again_form(request: Request, session: SessionDep, found: PageMeeting, after: BackgroundTasks):
    """Queue the failed notices of the circulated agenda again (chair or secretary, as publishing)."""
    done, _ = attempt(
        request,
        session,
        lambda: publish.send_again(session=session, access=found.access, meeting=found.meeting),
        keep=(404,),
        success="The notices are being sent again.",
    )
    if done:
        after.add_task(request.app.state.jobs.after_commit)
    return redirect(agenda_path(found.meeting.id) + "#notices")


@router.post("/meetings/{meeting_id}/aob/{item_id}/carry", dependencies=[CsrfChecked])
def carry_aob_form(
    request: Request, session: SessionDep, found: PageMeeting, item_id: IdPath, back: Annotated[str, Form()] = ""
):
    """Carry an unfinished AOB item to the next meeting (chair); back to the minutes or the agenda."""
    attempt(
        request,
        session,
        lambda: carry.carry_aob(session=session, access=found.access, meeting=found.meeting, item_id=item_id),
        keep=(404,),
        success="“{result.title}” carried to the next meeting's agenda.",
    )
    if back == "minutes":
        return redirect(f"/meetings/{found.meeting.id}/minutes#item-9")
    return redirect(agenda_path(found.meeting.id) + "#aob")
