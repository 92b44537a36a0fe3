"""One pure builder a section of the agenda: `AgendaData` (plus what build_agenda has
already derived from it, such as the measure rows) in, the section's model out.

`app.agendas.build.build_agenda` calls them in order and assembles the `Agenda`.
"""
