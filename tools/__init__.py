"""Build tooling kept outside the runtime package (the control workbook builder)."""
