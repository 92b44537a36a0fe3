"""The PDF pack: the typed Agenda and Minutes as tagged PDF, rendered by WeasyPrint from templates/pdf.

Pure like app.docx: typed models and bytes in, bytes out; no session, no service, no web.
"""
