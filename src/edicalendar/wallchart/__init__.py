"""The calendar on paper: a year wallchart (A3 landscape) and a month-per-page booklet (A4
landscape) as PDF, for notice boards and staff rooms.

:mod:`~edicalendar.wallchart.content` decides what each page says; :mod:`~edicalendar.wallchart.pdf`
draws it with ReportLab in an embedded font. The CLI (`edicalendar wallchart`) and the web server
(`/print/YEAR.pdf`) both call :func:`~edicalendar.wallchart.pdf.wallchart_pdf` and
:func:`~edicalendar.wallchart.pdf.booklet_pdf`.
"""
