"""Rule id → (default severity, Chinese message template).

Rule ids are stable snake_case and never renamed. Templates use str.format fields:
{loc} (sheet!cell), {value}, {file}, {sheet}, {cell} are always available; others are
passed by the caller. Every message tells staff what to do.

Sections are owned by the module that raises the rules; add new ids to your section.
"""

from __future__ import annotations

E, W = "error", "warning"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- read.py: files and sheets ---------------------------------------------------
    "file_unreadable": (E, "文件无法读取（{reason}），请用 Excel/WPS 打开后另存为 .xlsx 再报送"),
    "file_too_large": (E, "文件过大或疑似压缩炸弹（{reason}），已跳过，请检查后重新报送"),
    "file_encrypted": (E, "文件设置了打开密码，无法读取，请取消密码后重新报送"),
    "not_a_workbook": (E, "不是电子表格文件（{reason}），请报送 Excel/WPS 表格（.xlsx）"),
    "file_empty": (E, "文件为空（0 字节），请重新报送"),
    "header_missing": (E, "{sheet}：前 {rows} 行内未找到表头（需含“单位”等列），请使用下发的模板填报"),
    "sheet_skipped": (W, "{sheet}：未识别为附件表格（无表头），已忽略"),
    "column_missing": (E, "{loc}：表头缺少“{column}”列，请使用下发的模板填报"),
    "column_duplicate": (W, "{loc}：表头“{column}”重复出现，已使用第一列"),
    "row_total_dropped": (W, "{loc}：合计/小计/备注行“{value}”不是数据，已跳过"),
    "row_blank_dropped": (W, "{sheet}：第 {row} 行为空行，已跳过"),
    "read_timeout": (E, "读取超时（超过 {seconds} 秒），已跳过，请检查文件是否损坏"),
    # --- validate.py / schemas.py: cells -----------------------------------------------
    "cell_blank": (W, "{loc}：{column}为空，请填写或注明“无”"),
    "unit_blank": (E, "{loc}：单位为空，请填写单位名称"),
    "unit_unknown": (E, "{loc}：单位“{value}”不在单位名录中{hint}，请核对名称"),
    "unit_alias": (W, "{loc}：单位“{value}”按别名识别为“{unit}”，请使用标准名称"),
    "not_a_number": (E, "{loc}：{column}“{value}”不是可识别的数值，请填写数字（如 5万元、97.19%）"),
    "value_out_of_range": (W, "{loc}：{column}“{value}”超出合理范围（{reason}），请核对"),
    "cell_too_long": (W, "{loc}：{column}内容过长（{length} 字），请精简"),
    "formula_text": (W, "{loc}：内容“{value}”以“=”开头，已按文本保存，不作公式计算"),
    "duplicate_unit": (W, "单位“{unit}”在多个文件中报送：{files}，已保留最新的 {kept}"),
    "duplicate_row": (W, "{loc}：与第 {other} 行重复，已合并为一行"),
    "category_mismatch": (W, "{loc}：单位“{unit}”属于“{expected}”，却填在“{actual}”表中，已按名录归类"),
    "unit_missing": (W, "单位“{unit}”（{category}）未报送"),
    # --- registry.py -------------------------------------------------------------------
    "registry_column_missing": (E, "单位名录缺少“{column}”列，请按 单位|类别|考核组|别名 填写"),
    "registry_category_invalid": (E, "{loc}：类别“{value}”无效，应为 部门、村 或 社区"),
    "registry_duplicate": (E, "{loc}：单位或别名“{value}”在名录中重复（已有“{unit}”），请删除重复项"),
    "registry_blank_name": (W, "{loc}：单位名称为空，已跳过该行"),
    # --- rules.py / score.py / rank.py / targets.py -----------------------------------
    # (owned by the rank stage; add ids here)
    # --- report.py ---------------------------------------------------------------------
    # (owned by the report stage; add ids here)
    # --- excel/ -------------------------------------------------------------------------
    # (owned by the Excel door; add ids here)
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(rule: str, **params: object) -> str:
    """The Chinese message of `rule` with its fields filled; unknown fields render empty."""
    _, template = MESSAGES[rule]
    return template.format_map(_Blank({k: "" if v is None else v for k, v in params.items()}))
