"""Excel/CSV import and export of household lists (issue 6).

- ``columns``   the column contract (headings = the template's and the export's headings)
- ``reader``    safe reading of an uploaded workbook into a tablib ``Dataset``
- ``importer``  the bulk import (``import_file``) and the row-by-row comparison (``baseline_import``)
- ``resources`` django-import-export resources (the row-by-row baseline)
- ``template``  the downloadable XLSX template
- ``exporter``  XLSX/CSV export of a filtered household list
"""
