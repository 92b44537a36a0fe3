"""The agenda's sections as a council sets them: keys and default minutes.

Plain constants with no imports, so the typed Agenda (and the Word renderer that reads
it) can name them without loading the council's schemas, the models or the database.
"""

# The standard agenda's nine sections, in order. A council gives each its minutes (the
# agenda domain builds them), so the keys belong to the council's settings.
SECTION_KEYS = (
    "actions",
    "overall_measures",
    "department_reports",
    "best_practice",
    "initiatives",
    "measures_review",
    "prioritisation",
    "research",
    "aob",
)

# Minutes per section for a two-hour meeting; scaled to the meeting's length.
DEFAULT_MINUTES: dict[str, int] = {
    "actions": 15,
    "overall_measures": 10,
    "department_reports": 30,
    "best_practice": 10,
    "initiatives": 15,
    "measures_review": 10,
    "prioritisation": 15,
    "research": 10,
    "aob": 5,
}
