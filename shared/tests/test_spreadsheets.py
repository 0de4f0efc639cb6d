"""The one xlsx writer: control characters never make an export fail (found by the
property-based tests in tests/api_fuzz, where such a title made an export a 500), and
text is never written as a formula (issue 14: a ledger item's title reached a leader's
workbook as a live HYPERLINK)."""

from io import BytesIO

from openpyxl import load_workbook

from guanjia_shared.spreadsheets import Sheet, sheets_workbook_bytes, workbook_bytes
from guanjia_shared.testing.spreadsheets import FORMULA_TEXTS, workbook_cells


def test_control_characters_in_text_are_left_out_of_the_sheet_not_fatal():
    content = workbook_bytes(
        "台账", ["事项", "责任人"], [["\x07办公用房\x1b整改", "张三"], ["\tA\nB", 3]]
    )
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    # Tab and newline are text a cell holds; the bell and escape are not.
    assert rows == [("事项", "责任人"), ("办公用房整改", "张三"), ("\tA\nB", 3)]


def test_control_characters_in_the_title_caption_and_headers_are_left_out_too():
    content = workbook_bytes(
        "工作要点\x01", ["序号\x02"], [["1"]], caption="2026年度：工作要点\x01\ufffe"
    )
    workbook = load_workbook(BytesIO(content))
    assert workbook.sheetnames == ["工作要点"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows == [("2026年度：工作要点",), ("序号",), ("1",)]


def test_a_title_excel_refuses_as_a_sheet_name_still_names_the_sheet():
    content = sheets_workbook_bytes(
        [
            Sheet("'报告: 2026/[一]*?'", ["a"], []),
            Sheet("\x01", ["a"], []),
            Sheet("长" * 40, ["a"], []),
        ]
    )
    assert load_workbook(BytesIO(content)).sheetnames == ["报告 2026一", "Sheet", "长" * 31]


def test_text_that_looks_like_a_formula_is_written_as_text_marked_to_stay_text():
    hostile = [*FORMULA_TEXTS, "\t=1+1", "\r=1+1", "\x01=2+2", "#N/A"]
    content = workbook_bytes("台账", ["=标题"], [[text] for text in hostile], caption="+说明")
    cells = workbook_cells(content)
    assert [cell.data_type for cell in cells] == ["s"] * len(cells)
    assert [cell.value for cell in cells] == [
        "+说明",
        "=标题",
        *FORMULA_TEXTS,
        "\t=1+1",
        "\n=1+1",  # the XML reader reads a lone CR as a line break
        "=2+2",
        "#N/A",
    ]
    # Marked as Excel marks what is typed after an apostrophe: shown as it is, still text
    # when someone edits the cell. Other text ("#N/A", last) is left unmarked.
    assert [cell.quotePrefix for cell in cells] == [True] * (len(cells) - 1) + [False]


def test_numbers_stay_numbers():
    cells = workbook_cells(workbook_bytes("台账", ["a", "b"], [[-3, 2.5]]))
    assert [(cell.value, cell.data_type) for cell in cells[2:]] == [(-3, "n"), (2.5, "n")]
