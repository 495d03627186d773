Attribute VB_Name = "Buttons"
' targetbook control workbook: one Sub per button. Each runs a function of the
' Python package targetbook.excel through xlwings' RunPython (module xlwings in
' this workbook, so no add-in is needed). The interpreter is set on the hidden
' sheet "xlwings.conf" (Interpreter_Win). Keep this file ASCII: module source is
' stored in the project's code page.
Option Explicit

Public Sub MakeTemplates()
    RunPython "import targetbook.excel as t; t.make_templates()"
End Sub

Public Sub ValidateReturns()
    RunPython "import targetbook.excel as t; t.validate_returns()"
End Sub

Public Sub ConsolidateReturns()
    RunPython "import targetbook.excel as t; t.consolidate_returns()"
End Sub

Public Sub RankUnits()
    RunPython "import targetbook.excel as t; t.rank_units()"
End Sub

Public Sub MakeReport()
    RunPython "import targetbook.excel as t; t.make_report()"
End Sub

Public Sub RemindUnits()
    RunPython "import targetbook.excel as t; t.remind_units()"
End Sub
