"""Exports: free text with control characters still makes a sheet (found by the
property-based tests in tests/faults/api, where such a title made an export a 500)."""

from io import BytesIO

from openpyxl import load_workbook

from guanjia_shared.spreadsheets import workbook_bytes


def test_control_characters_in_text_are_left_out_of_the_sheet_not_fatal():
    content = workbook_bytes(
        "台账", ["事项", "责任人"], [["\x07办公用房\x1b整改", "张三"], ["\tA\nB", 3]]
    )
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    # Tab and newline are text a cell holds; the bell and escape are not.
    assert rows == [("事项", "责任人"), ("办公用房整改", "张三"), ("\tA\nB", 3)]
