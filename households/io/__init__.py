"""Excel/CSV import and export of household lists (issue 6).

- ``columns``   the column contract (headings = the template's and the export's headings)
- ``reader``    safe reading of an uploaded workbook into a tablib ``Dataset``
- ``importer``  the bulk import (``import_file``); the row-by-row baseline the benchmark compares it
  with is ``bench/baseline.py``
- ``template``  the downloadable XLSX template
- ``exporter``  XLSX/CSV export of a filtered household list
"""
