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
    # read_grids: a registry, rules, scores or targetbook's own workbook (fatal)
    "book_missing": (E, "找不到文件“{file}”，请检查路径"),
    "book_unreadable": (E, "无法读取“{file}”：{reason}"),
    "header_missing": (
        E,
        "{sheet}：前 {rows} 行内未找到表头（需含“单位”等列），请使用下发的模板填报",
    ),
    "sheet_skipped": (W, "{sheet}：未识别为附件表格（无表头），已忽略"),
    "sheet_hidden": (W, "{sheet}：隐藏的工作表不汇总（可能是旧版数据），如需报送请取消隐藏"),
    "column_missing": (E, "{loc}：表头缺少“{column}”列，请使用下发的模板填报"),
    "column_duplicate": (W, "{loc}：表头“{column}”重复出现，已使用第一列"),
    "row_total_dropped": (W, "{loc}：合计/小计/备注行“{value}”不是数据，已跳过"),
    "row_footer_dropped": (W, "{loc}：“{value}”是填表人/联系人等落款，不是数据，已跳过"),
    "row_blank_dropped": (W, "{sheet}：第 {row} 行为空行，已跳过"),
    "row_title_dropped": (W, "{loc}：“{value}”是下一张表的标题，不是数据，已跳过"),
    "read_timeout": (E, "读取超时（超过 {seconds} 秒），已跳过，请检查文件是否损坏"),
    # --- reliability (issue 12): files, formats, outputs -----------------------------
    "file_not_regular": (E, "不是普通文件（{reason}），未读取，请放入真正的表格文件"),
    "format_unsupported": (
        E,
        "暂不支持的表格格式（{reason}），请用 Excel/WPS 打开后另存为 .xlsx 再报送",
    ),
    "out_is_input": (E, "输出文件“{path}”是输入文件或在回收文件夹中，会覆盖报送的表，请换个位置"),
    "out_unwritable": (E, "无法写入“{path}”（{reason}），请检查文件夹是否可写、文件是否被打开"),
    # --- the year's loop (issue 13): templates sent out, the receipt register -----------
    "template_changed": (
        E,
        "“{path}”中的模板在生成后被修改过（{files}），为免覆盖，本次未生成模板；"
        "确需重新生成请加 --force（原文件会先保存到 历史 文件夹）",
    ),
    "rule_value_negative": (E, "{loc}：{column}“{value}”不能为负数，请修改考核细则"),
    "sheet_macro_skipped": (W, "{sheet}：宏表或对话框表不含数据，已忽略"),
    "saved_time_suspect": (
        W,
        "文件记录的保存时间 {value} 不可信（{reason}），已改用文件的修改时间判断先后和逾期",
    ),
    "formula_no_value": (
        W,
        "{loc}：公式没有计算结果（文件可能由程序生成），请用 Excel/WPS 打开、保存后再报送",
    ),
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
    "category_mismatch": (
        W,
        "{loc}：单位“{unit}”属于“{expected}”，却填在“{actual}”表中，已按名录归类",
    ),
    "column_absent": (W, "{loc}：表头没有“{column}”列，该列按空白处理，请使用下发的模板填报"),
    "unit_missing": (W, "单位“{unit}”（{category}）未报送"),
    "target_changed": (
        E,
        "{loc}：{column}“{value}”与年初承诺的“{committed}”不一致，请按年初目标填报"
        "（确需调整请报经审批后由办公室修改基准）",
    ),
    "indicator_missing": (W, "{sheet}：年初承诺的指标“{indicator}”（{unit}）未填报进度，请补填"),
    "indicator_new": (W, "{loc}：指标“{value}”不在年初承诺中（新增指标），请核对"),
    "campaign_not_found": (
        E,
        "“{path}”不是考核活动文件夹（没有 控制台.xlsm 或 单位名录），"
        "请用 targetbook init 新建，或指明活动文件夹",
    ),
    "register_unreadable": (
        E,
        "收件登记“{path}”无法读取（{reason}），为免丢失登记，本次未运行；请修复或移走该文件",
    ),
    "register_unwritable": (
        W,
        "收件登记“{path}”未能更新（{reason}），请关闭该文件后重新校验",
    ),
    "received_time_invalid": (
        W,
        "{loc}：收到时间“{value}”不是可识别的时间，已按首次收到时间计算，请填写如 2022-06-27 10:00",
    ),
    "unit_not_template_owner": (
        E,
        "{loc}：本表是下发给“{owner}”的模板，却填报了“{unit}”的数据，该行不汇总；"
        "请“{unit}”用自己的模板报送",
    ),
    # figures of 指标进度 (figures.py): estimates, placeholders, a typed 完成率 that disagrees
    "value_approximate": (
        W,
        "{loc}：{column}“{value}”是约数，已按 {number} 计算，请填写准确数值",
    ),
    "value_placeholder": (
        W,
        "{loc}：{column}“{value}”不是数值，按空白处理（不计算），请填写数值或在进展情况中说明",
    ),
    "rate_mismatch": (
        W,
        "{loc}：完成率“{value}”与 完成值（{actual_cell}）÷ 目标值（{target_cell}）= {computed}% "
        "不符，请核对",
    ),
    "format_unit_mismatch": (
        W,
        "{loc}：{column}“{value}”的数字格式带单位“{unit}”，与本行计量单位“{measure}”不一致，"
        "已按格式中的单位“{unit}”计算，请核对单位",
    ),
    # --- registry.py -------------------------------------------------------------------
    "registry_column_missing": (E, "单位名录缺少“{column}”列，请按 单位|类别|考核组|别名 填写"),
    "registry_category_invalid": (E, "{loc}：类别“{value}”无效，应为 部门、村 或 社区"),
    "registry_duplicate": (
        E,
        "{loc}：单位或别名“{value}”在名录中重复（已有“{unit}”），请删除重复项",
    ),
    "registry_blank_name": (W, "{loc}：单位名称为空，已跳过该行"),
    # --- rules.py / score.py / rank.py / targets.py -----------------------------------
    # (owned by the rank stage; add ids here)
    "rules_sheet_missing": (E, "考核细则缺少“{sheet}”工作表，请按说明补充"),
    "rules_column_missing": (E, "{loc}：缺少“{column}”列，请按考核细则模板填写"),
    "rule_method_unknown": (
        E,
        "{loc}：考核方法“{value}”无法识别，"
        "应为 完成率、名次赋分、功效系数、达标、直接打分、加分 或 扣分",
    ),
    "rule_number_invalid": (E, "{loc}：{column}“{value}”不是有效数值，请填写数字"),
    "rule_date_invalid": (E, "{loc}：{column}“{value}”不是有效日期，请填写如 2022-07-10 的日期"),
    "rule_param_missing": (E, "{loc}：“{method}”方法需要填写“{column}”"),
    "rule_item_duplicate": (E, "{loc}：类别“{category}”的考核项目“{value}”重复，请删除重复行"),
    "rule_category_invalid": (
        E,
        "{loc}：类别“{value}”无效，应为 部门、村、社区 或留空（适用全部）",
    ),
    "rule_points_total": (
        E,
        "{loc}：类别“{category}”各考核项目分值合计 {total} 分，与满分 {expected} 分不符，请核对",
    ),
    "rule_quota_invalid": (E, "{loc}：{column}“{value}”无效（{reason}），请核对"),
    "rule_quota_total": (E, "{loc}：类别“{category}”各等次比例合计 {total}%，超过 100%，请核对"),
    "rule_direction_invalid": (
        E,
        "{loc}：方向“{value}”无法识别，应为 越大越好 或 越小越好（留空按越大越好），请修改考核细则",
    ),
    "rule_direction_unusable": (
        E,
        "{loc}：“{method}”方法不比较完成值，不能设方向“{value}”，请清空该单元格",
    ),
    "rule_direction_conflict": (
        E,
        "{loc}：方向“{value}”与满意值 {satisfied}、不允许值 {unacceptable} 不一致"
        "（越小越好时满意值应小于不允许值，越大越好时应大于），请核对",
    ),
    "rule_grade_scope_invalid": (
        E,
        "{loc}：范围“{value}”无效，应为空（按类别分别计名额）或 全镇（类别须留空）",
    ),
    "quota_split_tie": (
        W,
        "全镇“{grade}”名额 {quota} 个按各类别参评单位数分配，最后 {room} 个名额落在余数相同的"
        "类别（{categories}）之间，按“{how}”处理：{outcome}",
    ),
    "rule_floor_over_points": (E, "{loc}：最低分“{value}”超过分值 {points} 分，请修改考核细则"),
    "rule_lights_order": (
        E,
        "{loc}：黄灯差距 {yellow} 大于红灯差距 {red}，黄灯永远不会亮，请核对（默认 10 和 30）",
    ),
    "rule_setting_invalid": (E, "{loc}：设置“{key}”的值“{value}”无效，可选：{choices}"),
    "rule_setting_unknown": (W, "{loc}：设置项“{value}”无法识别，已忽略"),
    "rule_weights_total": (E, "{loc}：期间权重合计 {total}%，应为 100%"),
    "rule_tiebreak_unknown": (E, "{loc}：并列规则指定的项目“{value}”不在考核项目中"),
    "rule_veto_scope_unknown": (
        E,
        "{loc}：否决范围中的奖项“{value}”不在奖项表中，请核对名称（留空表示全部奖项）",
    ),
    "rule_award_item_unknown": (E, "{loc}：奖项评比项目“{value}”不在考核项目中"),
    "score_unit_unknown": (W, "{loc}：单位“{value}”不在单位名录中，该行未计分，请核对名称"),
    "score_item_unknown": (W, "{loc}：项目“{value}”不在该单位类别的考核项目中，该行未计分"),
    "score_not_a_number": (E, "{loc}：{column}“{value}”不是有效数值，该行未计分，请填写数字"),
    "score_over_points": (W, "{loc}：得分 {value} 超过满分 {points} 分，已按满分计，请核对"),
    "score_input_missing": (E, "单位“{unit}”缺少项目“{item}”的考核数据，该项计 0 分，请补充"),
    "score_value_missing": (
        E,
        "{loc}：单位“{unit}”项目“{item}”{reason}，请补充数据或在考核打分中录入",
    ),
    "period_score_missing": (
        W,
        "单位“{unit}”项目“{item}”缺少“{period}”的得分，{how}；如有成绩请在考核打分中补录",
    ),
    "score_duplicate": (W, "{loc}：单位“{unit}”项目“{item}”（{period}）重复打分，已使用最后一条"),
    "adjustment_capped": (
        W,
        "单位“{unit}”的{item}合计 {total} 分，超过上限 {cap} 分，按 {cap} 分计",
    ),
    "veto_item_unknown": (
        W,
        "{loc}：否决项目“{value}”不在设置的一票否决项目中，仍按否决处理，请核对",
    ),
    "unit_no_scores": (E, "单位“{unit}”（{category}）没有任何考核数据，未参加排名，请核对是否漏报"),
    "quota_tie": (
        W,
        "{category}“{grade}”剩余名额 {quota} 个落在并列的 {count} 个单位中（{units}），"
        "按“{how}”处理：{outcome}",
    ),
    # targets (targets/): phrases → targets, achievement
    "target_manual": (
        W,
        "{loc}：{unit}的目标“{value}”无法自动识别，需人工认定，请在“外部结果”中填写是否达成",
    ),
    # --- fatal errors of the inputs and doors (TargetbookError) --------------------------
    "registry_unusable": (E, "单位名录 {path} 无法使用：{reason}"),
    "registry_empty": (E, "单位名录 {path} 无法使用：没有任何单位"),
    "registry_file_missing": (E, "找不到单位名录文件：{path}"),
    "registry_unreadable": (E, "单位名录无法读取：{path}（{reason}）"),
    "registry_no_sheets": (E, "单位名录中没有工作表：{path}"),
    "no_returns_found": (E, "在 {paths} 中未找到任何表格文件（.xlsx/.xls/.xlsm/.ods/.csv）"),
    "consolidated_unreadable": (E, "汇总文件 {path} 无法读取（{reason}），请重新运行“汇总”"),
    "not_consolidated": (
        E,
        "{path} 不是汇总文件（缺少“{sheet}”等工作表），请选择“汇总”生成的 汇总.xlsx",
    ),
    "ranking_missing": (E, "找不到排名工作簿“{path}”"),
    "rules_file_missing": (E, "找不到文件“{path}”"),
    "rules_not_rules": (
        E,
        "“{path}”不是考核细则（没有“考核项目”工作表，也没有含 项目、分值、方法 列的表），"
        "未计算排名，请选择考核细则工作簿",
    ),
    # --- report.py ---------------------------------------------------------------------
    # (owned by the report stage; add ids here)
    "report_input_missing": (E, "找不到排名工作簿“{file}”，请先运行“计算排名”"),
    "report_sheet_missing": (E, "排名工作簿缺少“{sheet}”工作表，请先运行“计算排名”重新生成"),
    "report_format_unknown": (E, "不支持的输出格式“{value}”，请使用 .docx 或 .html"),
    "report_kind_unknown": (E, "不支持的文种“{value}”，请使用 通报 或 通知"),
    "report_template_missing": (E, "找不到文书模板“{file}”，请重新安装 targetbook"),
    "report_param_missing": (
        W,
        "参数“{param}”未设置，文书中暂作“{shown}”；请用 {option} 指定，"
        "或在控制台“参数”表填写“{param}”后重新生成",
    ),
    # --- cli (usage errors: the command line's own words, shown with its usage line) ----
    "usage_missing_option": (E, "缺少必填选项 {option}，请按上面的用法补上"),
    "usage_missing_argument": (E, "缺少参数 {argument}，请按上面的用法补上"),
    "usage_no_such_option": (E, "没有选项 {option}{hint}"),
    "usage_no_such_command": (E, "没有命令“{command}”，可用的命令：{commands}"),
    "usage_option_needs_value": (E, "选项 {option} 后面要写一个值"),
    "usage_option_takes_no_value": (E, "选项 {option} 不带值，请去掉“=”及其后的内容"),
    "usage_extra_arguments": (E, "多余的参数：{args}（含空格的路径请加引号）"),
    "usage_bad_value": (E, "{option} 的值无效：{reason}"),
    "usage_path_missing": (E, "“{path}”不存在，请检查路径"),
    "usage_path_is_folder": (E, "“{path}”是文件夹，这里要一个文件"),
    "usage_path_is_file": (E, "“{path}”是文件，这里要一个文件夹"),
    "usage_not_a_year": (E, "“{value}”不是年份，请写四位年份，如 2024"),
    "usage_not_a_date": (E, "“{value}”不是日期，请写如 2024-06-28 的日期"),
    "usage_error": (E, "用法有误：{reason}"),
    # --- excel/ -------------------------------------------------------------------------
    # (owned by the Excel door; add ids here)
    "excel_sheet_missing": (E, "控制台缺少“{sheet}”表，请补建该表或重新复制 控制台.xlsm"),
    "excel_param_invalid": (E, "参数表“{key}”的值“{value}”无效，请填写如 2024 的年份"),
    "excel_folder_missing": (E, "找不到文件夹“{path}”（参数“{key}”），请检查路径或新建该文件夹"),
    "excel_registry_empty": (E, "“{sheet}”表没有单位，请按 单位|类别|考核组|别名 填写后再试"),
    "excel_no_returns": (E, "“{path}”中没有回收表，请把各单位报送的文件放进去"),
    "excel_file_missing": (E, "找不到文件“{path}”（参数“{key}”），请检查路径或清空该项"),
    "excel_run_first": (E, "找不到“{path}”，请先点“{button}”"),
    "excel_workbook_missing": (E, "找不到控制台“{path}”，请在活动文件夹中运行"),
    "excel_registry_invalid": (E, "单位名录有误，请改正后再试：{reasons}"),
    "excel_unexpected": (E, "运行出错（{reason}），请把“日志”表和出错的文件发给维护人员"),
    "excel_version_mismatch": (
        W,
        "本控制台是为 targetbook {built} 制作的，这台电脑装的是 targetbook {installed}；"
        "结果可能与说明不符。请运行 targetbook {built} 安装包里的 安装.bat，或请维护人员更新控制台",
    ),
}


# Explanation kind → Chinese template of a score's 计算依据 (rendered by targetbook.explain,
# which formats the numbers). Kinds are stable snake_case like rule ids; a field may hold a
# nested explanation (`head`, `why`, `terms`, `cap`, `floor`), which renders in place or,
# when absent, as nothing.
EXPLANATIONS: dict[str, str] = {
    "plus": "{a} + {b}",
    # 完成率
    "rate_computed": "完成率 = {actual} ÷ {target} × 100% = {rate}%",
    "rate_reported": "完成率 {rate}%",
    "rate_computed_inverse": "完成率 = {target} ÷ {actual} × 100% = {rate}%（越小越好）",
    "rate_zero_met": "完成值 0，未超过目标值 {target}（越小越好），视为完成，得 {points} 分",
    "rate_zero_bonus": (
        "完成值 0，未超过目标值 {target}（越小越好），视为完成，超额加分按上限 {cap} 分；"
        "得分 = {points} + {cap} = {score}"
    ),
    "rate_no_data": "无完成值/目标值/完成率数据，计0分",
    "rate_below_threshold": "{head}，低于起评线 {threshold}%，不计分",
    "rate_met": "{head}，达到目标，得 {points} 分",
    "rate_bonus": (
        "{head}；超额 {over} 个百分点 × {per_pct} 分 = {extra} 分{cap}；"
        "得分 = {points} + {capped} = {score}"
    ),
    "rate_bonus_cap": "，封顶 {cap} 分",
    "rate_short_term": "{short} × {per_pct}",
    "rate_step_term": "每低 {step} 个百分点扣 {step_points} 分 × {steps} 档",
    "rate_deducted": "{head}；得分 = {points} − ({terms}) = {raw}{floor}",
    "rate_proportional": "{head}；得分 = {points} × {rate}% = {raw}{floor}",
    "floor_applied": "，不低于最低分 {floor}",
    # 名次赋分
    "rank_no_data": "无名次或数值数据，计0分",
    "rank_no_data_floor": "无名次或数值数据，计最低分 {floor}",
    "rank_given": "名次第{place}名，按名次分（{table}）得 {points} 分",
    "rank_by_value": "数值 {actual} 在类别内排名第{place}名，按名次分（{table}）得 {points} 分",
    "best_no_data": "无可比较的数值，计0分",
    "best_no_data_floor": "无可比较的数值，计最低分 {floor}",
    "best_is_zero": "数值 0 为最优（越小越好），得 {points} 分",
    "best_ratio": "按最优值比例：{points} × {num} ÷ {den} = {raw}",
    # 功效系数
    "efficacy_no_data": "无完成值数据，计0分",
    "efficacy_full": "实际 {actual} 达到满意值 {satisfied}，系数 100",
    "efficacy_zero": "实际 {actual} 未达不允许值 {unacceptable}，系数 0",
    "efficacy_between": (
        "系数 = 60 + 40 × ({actual} − {unacceptable}) ÷ ({satisfied} − {unacceptable}) = {coef}"
    ),
    "efficacy_score": "{why}；得分 = {points} × {coef}% = {score}",
    # 达标
    "pass_verdict": "考核认定达标",
    "pass_verdict_failed": "考核认定未达标",
    "pass_rate_met": "完成率 {rate}% ≥ 达标线 {mark}%",
    "pass_rate_not_met": "完成率 {rate}% < 达标线 {mark}%",
    "pass_zero_met": "完成值 0，未超过目标值 {target}（越小越好），视为达标",
    "pass_no_data": "无达标认定或完成率数据，计0分",
    "pass_score": "{why}，得 {score} 分",
    # 直接打分 and entered scores (考核打分)
    "direct_not_entered": "未录入得分，计0分",
    "score_entered": "考核打分录入 {score} 分",
    "score_entered_over": "考核打分录入 {score} 分，超过满分按 {points} 分计",
    "with_basis": "{note}（{basis}）",
    "no_input": "无考核数据，计0分",
    # 期间权重
    "weighted_term": "{group} {value} × {weight}%",
    "weighted_term_mean": "{group}平均 {value} × {weight}%",
    "weighted_term_gaps": "{group}平均 {value}（{count} 期，缺 {gaps} 期{how}） × {weight}%",
    "gap_zero": "按0分计",
    "gap_mean": "不计入平均",
    "period_gap_zero": "按0分计入{group}平均",
    "period_gap_mean": "{group}按已有期间平均",
    "weighted_total": "{terms} = {total}",
    # 加扣分, 逾期扣分, caps
    "late_no_return": "未报送回收表，扣 {points} 分（逾期扣分上限）",
    "late_days": (
        "报送时间 {saved:%Y-%m-%d %H:%M}（{file} 的保存时间），截止 {deadline:%Y-%m-%d}，"
        "逾期 {days} 天 × {per_day} 分 = {minus} 分"
    ),
    "cap_one_bonus": "{note}，超过上限 {cap} 分，按上限加 {cap} 分",
    "cap_one_penalty": "{note}，超过上限 {cap} 分，按上限扣 {cap} 分",
    "cap_record": "{note} {points} 分",
    "cap_many_bonus": "{records}，合计加 {total} 分，超过上限 {cap} 分，按上限加 {cap} 分",
    "cap_many_penalty": "{records}，合计扣 {total} 分，超过上限 {cap} 分，按上限扣 {cap} 分",
    "cap_bonus": "{name}合计加 {total} 分，超过上限 {cap} 分，核减 {cut} 分",
    "cap_penalty": "{name}合计扣 {total} 分，超过上限 {cap} 分，退回 {back} 分",
    # rank stage
    "veto_zero": "一票否决（{items}），总分计0分",
    "quota_tie_lenient": "均评为“{grade}”",
    "quota_tie_strict": "均不占用该名额",
    "actual_place": "第{place}名",
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(rule: str, **params: object) -> str:
    """The Chinese message of `rule` with its fields filled; unknown fields render empty."""
    _, template = MESSAGES[rule]
    return template.format_map(_Blank({k: "" if v is None else v for k, v in params.items()}))
