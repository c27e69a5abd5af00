"""Validators for personal data: GB 11643 citizen ID numbers and mainland mobile numbers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (mod 11 over the weights)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_error(value: str) -> str | None:
    """The Chinese reason ``value`` is not a valid ID number, or None when it is valid.

    Address codes are not checked against a current list: codes of 2010 may no longer exist.
    """
    value = normalize_id_number(value)
    if len(value) == 18:
        if not (value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
            return str(_("身份证号只能包含数字，最后一位可以是 X"))
        birth = value[6:14]
        century_ok = birth[:2] in ("19", "20")
    elif len(value) == 15:
        if not value.isdigit():
            return str(_("15 位身份证号只能包含数字"))
        birth = "19" + value[6:12]
        century_ok = True
    else:
        return str(_("身份证号应为 18 位（或旧式 15 位）"))
    try:
        born = datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return str(_("身份证号中的出生日期不存在"))
    if not century_ok or born > datetime.date.today():
        return str(_("身份证号中的出生日期不合理"))
    if len(value) == 18 and id_check_char(value[:17]) != value[17]:
        return str(_("身份证号校验位错误"))
    return None


def validate_id_number(value: str) -> None:
    error = id_number_error(value)
    if error:
        raise ValidationError(error, code="invalid_id_number")


def id_number_birth_date(value: str) -> datetime.date | None:
    value = normalize_id_number(value)
    birth = value[6:14] if len(value) == 18 else "19" + value[6:12]
    try:
        return datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return None


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_("手机号码应为以 1 开头的 11 位数字，第二位为 3—9"), code="invalid_mobile")


def mask_id_number(value: str) -> str:
    """1301**********123X: the address prefix and the last four stay visible."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    if not value or len(value) < 7:
        return value or ""
    return value[:3] + "****" + value[-4:]
