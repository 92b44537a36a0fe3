"""The one line a collapsed agenda section shows on a phone: what is in it, counted (its time is in its heading)."""

from app.agendas.model import (
    ActionsSection,
    AobSection,
    BestPracticeSection,
    DepartmentReportsSection,
    InitiativesSection,
    MeasuresReviewSection,
    OverallMeasuresSection,
    PrioritisationSection,
    ResearchSection,
    Section,
    StandingSection,
)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 report", "3 reports", "no reports"."""
    many = plural or f"{noun}s"
    return f"no {many}" if count == 0 else f"1 {noun}" if count == 1 else f"{count} {many}"


def _parts(section: Section) -> list[str]:
    match section:
        case ActionsSection():
            return [
                counted(len(section.open_actions), "open action"),
                f"{len(section.closed_since_previous)} closed since the last meeting",
            ]
        case OverallMeasuresSection():
            return [counted(len(section.measures), "measure")]
        case DepartmentReportsSection():
            submitted = sum(1 for d in section.departments if d.submitted)
            return [counted(len(section.departments), "department"), f"{submitted} reported"]
        case BestPracticeSection():
            return [counted(len(section.items), "practice")]
        case InitiativesSection():
            return [counted(len(section.initiatives), "initiative")]
        case MeasuresReviewSection():
            return [
                f"{len(section.off_target)} off target",
                f"{len(section.worsening)} worsening",
                counted(len(section.stale) + len(section.missing_target) + len(section.missing_owner), "gap"),
            ]
        case PrioritisationSection():
            return [counted(len(section.proposals), "proposal")]
        case ResearchSection():
            return [counted(len(section.items), "study", "studies")]
        case AobSection():
            return [counted(len(section.items), "item")]
        case StandingSection():
            return [f"led by {section.owner_name}"] if section.owner_name else []
    return []


def section_summary(section: Section) -> str:
    """What a section holds, in a line: "4 open actions · 2 closed since the last meeting · 1 paper"."""
    parts = _parts(section)
    if section.papers:
        parts.append(counted(len(section.papers), "paper"))
    return " · ".join(parts)
