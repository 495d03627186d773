"""Month, weekday and AM/PM names a zh-CN spreadsheet shows (and the English ones for [$-409])."""

from __future__ import annotations

ZH_MONTHS = (
    "一月",
    "二月",
    "三月",
    "四月",
    "五月",
    "六月",
    "七月",
    "八月",
    "九月",
    "十月",
    "十一月",
    "十二月",
)
ZH_WEEKDAYS = "日一二三四五六"  # Sunday first
ZH_WEEK = "星期"
ZH_MONTH_SUFFIX = "月"
ZH_AMPM = ("上午", "下午")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EN_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
EN_AMPM = ("AM", "PM")
ZH_DIGITS = "〇一二三四五六七八九"
ZH_TEN = "十"
