"""Phone numbers, as Google's libphonenumber (the `phonenumbers` package) reads them:
international numbers anywhere, national ones of the shop's region (bot/shop.yml's
locale). A number valid for its region counts anywhere; one of a possible length only
after a word that announces a number ("call me on", "mobile:", "whatsapp"), so that an
order number is not taken for one."""
from __future__ import annotations

import re
from typing import List

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from handoff.privacy.spans import Span

MIN_DIGITS = 7  # fewer digits cannot be a phone number: skip the parser
CUE = re.compile(r"(?i)\b(?:phone|call|ring|mobile|mob|cell|tel|telephone|number|no\.|text|sms|whatsapp|reach|"
                 r"contact|landline)\b[^0-9]{0,20}$")
NOT_A_PHONE = re.compile(r"(?i)\b(?:order|tracking|track|reference|ref|booking|invoice|account|parcel|item|"
                         r"sku|serial|voucher|coupon|card|customer|member|membership|loyalty|iban|ticket|case)\b[^0-9]{0,20}$")


def find(text: str, region: str = "GB") -> List[Span]:
    if sum(c.isdigit() for c in text) < MIN_DIGITS:
        return []
    spans = []
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
        before = text[max(0, match.start - 40):match.start]
        if match.start and text[match.start - 1].isalnum() or re.search(r"\d[ .-]?$", before):
            continue  # inside a code such as a tracking number, or the tail of a longer number
        if NOT_A_PHONE.search(before) and not match.raw_string.lstrip().startswith("+"):
            continue
        if phonenumbers.is_valid_number(match.number) or CUE.search(before):
            spans.append(Span(match.start, match.end, "phone"))
    return spans
