"""Build the control workbook 控制台.xlsm (not part of the runtime package)."""
