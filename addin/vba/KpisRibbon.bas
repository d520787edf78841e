Attribute VB_Name = "KpisRibbon"
Option Explicit
' Ribbon callbacks of the kpis add-in (addin/ribbon.xml).
'
' Every button calls KpisRun; the button's Tag names a script of the Python module
' kpis.xl.scripts, which the installed xlwings add-in runs against the active workbook
' (xlwings passes ActiveWorkbook to xw.Book.caller()). All logic lives in Python: this
' module only routes the click and explains what to do when xlwings is missing.
' Labels and messages come from KpisText, in the generated module KpisLabels (`kpis addin build`).

Private Const XLWINGS_ADDIN As String = "xlwings.xlam"

' onAction of every button.
Public Sub KpisRun(control As Object)
    RunKpisScript control.Tag
End Sub

' getLabel of the tab, groups and buttons.
Public Sub KpisGetLabel(control As Object, ByRef returnedVal)
    returnedVal = KpisText(control.ID & ".label", KpisLang())
End Sub

' getSupertip of the buttons.
Public Sub KpisGetSupertip(control As Object, ByRef returnedVal)
    returnedVal = KpisText(control.ID & ".tip", KpisLang())
End Sub

' Runs kpis.xl.scripts.<scriptName>() through xlwings' RunPython.
Public Sub RunKpisScript(ByVal scriptName As String)
    Dim lang As String
    lang = KpisLang()
    If Not IsScriptName(scriptName) Then
        MsgBox KpisText("msg.bad_script", lang) & " " & scriptName, vbCritical, KpisText("msg.title", lang)
        Exit Sub
    End If
    If Not XlwingsLoaded() Then
        MsgBox KpisText("msg.no_xlwings", lang), vbExclamation, KpisText("msg.title", lang)
        Exit Sub
    End If
    If ActiveWorkbook Is Nothing Then
        MsgBox KpisText("msg.no_workbook", lang), vbExclamation, KpisText("msg.title", lang)
        Exit Sub
    End If
    On Error GoTo Failed
    Application.Run "'" & XLWINGS_ADDIN & "'!RunPython", "import kpis.xl.scripts as s; s." & scriptName & "()"
    Exit Sub
Failed:
    MsgBox KpisText("msg.run_failed", lang) & vbCrLf & Err.Description, vbCritical, KpisText("msg.title", lang)
End Sub

' True when the xlwings add-in is open in this Excel instance.
Public Function XlwingsLoaded() As Boolean
    Dim wb As Object
    On Error Resume Next
    Set wb = Application.Workbooks(XLWINGS_ADDIN)
    On Error GoTo 0
    XlwingsLoaded = Not (wb Is Nothing)
End Function

' "fr" when Excel's interface language is French (any region), else "en".
Public Function KpisLang() As String
    Dim languageId As Long
    On Error GoTo Fallback
    languageId = Application.LanguageSettings.LanguageID(2) ' msoLanguageIDUI
    If (languageId And &H3FF) = &HC Then KpisLang = "fr" Else KpisLang = "en"
    Exit Function
Fallback:
    KpisLang = "fr"
End Function

' A script name is a Python identifier: letters, digits and underscores.
Private Function IsScriptName(ByVal scriptName As String) As Boolean
    Dim i As Long, c As String
    If Len(scriptName) = 0 Then Exit Function
    For i = 1 To Len(scriptName)
        c = Mid$(scriptName, i, 1)
        If Not (c Like "[A-Za-z0-9_]") Then Exit Function
    Next i
    IsScriptName = Not (Left$(scriptName, 1) Like "[0-9]")
End Function
