"""Dates and times as customers say them, read in the shop's timezone and locale.

``read_when(text, TimeContext(now, ...))`` returns one of

- ``ExactTime``: one moment ("the day after tomorrow at noon", "half two Friday");
- ``TimeWindow`` / ``TimeOptions``: where to look for free slots ("Friday afternoon",
  "any time Tuesday or Wednesday afternoon", "not before 4", "end of next week");
- ``AskBack``: understood in part or in two ways; the bot says what it understood and
  asks ("next Friday" on a Monday, "Tuesday 23rd" when the 23rd is a Wednesday);
- ``Impossible``: a date that cannot exist ("31 February");
- ``None``: nothing about when.

Why rules of our own on top of dateparser: dateparser is right about calendar dates
written with a month name in their many spellings ("5 Dec 2027", "December the 5th")
and rejects the impossible ones, so those go to it (actions.timeparse.dates). It is not
right about how people book (dateparser 1.2.0, checked): it reads nothing at all of
"next Friday", "Friday week", "a week from Friday", "in three weeks on Wednesday",
"next Tuesday at 11am", "half past two", "Friday afternoon" or "wensday", and "the 3rd"
said on 24 November becomes 3 November, already past. It has no notion of a window
("not before 4"), of the shop's hours ("at 2" is 14:00) or of asking back. Those are
small rules here, one module per idea:

    words.py    one spelling: abbreviations, number words, ordinals, typos
    clock.py    times of day, bounds and named day parts
    dates.py    calendar dates, numeric ones by the shop's locale
    days.py     days relative to today
    reading.py  the whole message into one reading
"""
from __future__ import annotations

from actions.timeparse.model import (AskBack, DayPart, ExactTime, Impossible, Reading, TimeContext, TimeOptions,
                                     TimeWindow, windows_of)
from actions.timeparse.reading import read_when

__all__ = ["AskBack", "DayPart", "ExactTime", "Impossible", "Reading", "TimeContext", "TimeOptions", "TimeWindow",
           "read_when", "windows_of"]
