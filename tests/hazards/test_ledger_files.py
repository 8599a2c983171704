"""Builders of Excel ledgers shared by the ledger tests (holds no tests itself)."""
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["序号", "排查时间", "排查人", "隐患部位", "隐患名称", "隐患等级", "治理措施", "完成时限", "责任部门",
           "责任人", "复查人", "复查结果"]


def ledger_bytes(rows, *, headers=HEADERS, title="实验小学安全隐患排查治理台账（2019年）", extra_column=True,
                 text_cells=()):
    """An .xlsx the way schools keep it: a merged title row, the header, rows; an extra 备注 column
    at the front when `extra_column`. `text_cells`: values to store as text even if they start
    with "=" (what Excel does for a cell formatted as text)."""
    wb = Workbook()
    ws = wb.active
    headers = list(headers)
    if extra_column:
        headers = ["备注"] + headers
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        values = list(row)
        if extra_column:
            values = [""] + values
        ws.append([None if v == "" else v for v in values])
    for excel_row in ws.iter_rows():
        for cell in excel_row:
            if isinstance(cell.value, str) and cell.value in text_cells:
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name="台账.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def sample_rows():
    """Four rows with four date spellings; the last passed its re-inspection."""
    return [
        [1, "2019.7.15", "安全员甲", "实验楼二楼化学药品室", "危险化学品未分柜存放", "一般", "按性质分柜隔离存放",
         "2019/7/20", "总务处", "责任人甲", "", ""],
        [2, "2019/7/16", "安全员甲", "教学楼北楼梯", "楼梯扶手松动", "重大隐患", "更换扶手",
         "2019年8月16日", "总务处", "", "", "未整改"],
        [3, "2019年7月17日", "", "食堂后门", "灭火器过期", "一般", "更换灭火器", 43678, "", "", "", ""],
        [4, datetime.date(2019, 7, 18), "安全员甲", "校门口", "门卫值守记录缺失", "一般", "补齐值守记录",
         datetime.date(2019, 7, 25), "总务处", "责任人甲", "校长甲", "合格"],
    ]
