"""Lists as tables, on the page and in a file: one column definition serves both.

`columns.Column` says what a column is called, how to read its value from a row and what kind
of value it is; the HTML table (`templates/macros/table.html`) and the exports
(`writers.write_csv`, `writers.write_xlsx`) read the same definition, so a file holds exactly
what its page shows. `responses.send` answers a request with a file, streaming it.
"""
