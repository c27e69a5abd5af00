"""Validators for personal data: GB 11643 citizen ID numbers, mainland mobile numbers and telephones, and free text
that must carry no ID number."""

import datetime
import re
import unicodedata
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import Gender

# YYYY-MM-DD (also / or . between the parts, and a zero time a spreadsheet may add).
DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (mod 11 over the weights)."""
    if len(first17) != len(ID_WEIGHTS):
        raise ValueError(first17)
    return ID_CHECK_CHARS[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11]


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
        written = f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"
        return str(_("身份证号中的出生日期 %(date)s") % {"date": nonexistent_date(written)})
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


def id_number_facts(value: str) -> tuple[datetime.date | None, str | None]:
    """The birth date and the gender (``Gender``) a valid ID number carries; ``(None, None)`` otherwise.

    18 digits: the birth date is digits 7–14 and the 17th digit is odd for a man. The legacy 15 digits:
    YYMMDD of the 1900s at digits 7–12 and the last digit is odd for a man (GB 11643).
    """
    value = normalize_id_number(value)
    if id_number_error(value):
        return None, None
    gender_digit = value[16] if len(value) == 18 else value[14]
    return id_number_birth_date(value), Gender.MALE if int(gender_digit) % 2 else Gender.FEMALE


def id_number_18(value: str) -> str:
    """The 18-digit form of a valid ID number: a 15-digit one gets "19" after its 6-digit address code and
    a check digit; an 18-digit one comes back as is. Both forms name the same person."""
    value = normalize_id_number(value)
    if len(value) != 15:
        return value
    first17 = value[:6] + "19" + value[6:]
    return first17 + id_check_char(first17)


def id_number_forms(value: str) -> set[str]:
    """Every way the same person's ID number can be written: the number, its 18-digit form and, for an
    18-digit number of somebody born in the 1900s, the 15-digit form it came from."""
    value = normalize_id_number(value)
    forms = {value, id_number_18(value)}
    if len(value) == 18 and value[6:8] == "19":
        forms.add(value[:6] + value[8:17])
    return forms


def nonexistent_date(text: str) -> str:
    """The reason for a date written in the right shape that no calendar has (1999-02-30, 2010-13-01)."""
    return str(_("%(value)s 不是有效日期") % {"value": text})


def eighteenth_birthday(birth: datetime.date) -> datetime.date:
    """党章: 年满十八岁的中国工人、农民……可以申请加入中国共产党 (29 Feb → 1 Mar)."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:
        return datetime.date(birth.year + 18, 3, 1)


def member_facts_errors(*, gender=None, birth_date=None, id_number="", join_date=None) -> dict[str, str]:
    """{field: Chinese reason} where a member's gender, birth date or join date disagrees with the ID number
    or with the Party constitution; the importer, the member form and the member services all ask here.

    "全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员全覆盖。" (seed, part 三): covering every
    member starts with a roster whose people are recorded once and as their ID cards say. A missing value
    (or an ID number that is itself invalid) is not compared.
    """
    errors = {}
    id_birth, id_gender = id_number_facts(id_number) if id_number else (None, None)
    if gender and id_gender and gender != id_gender:
        errors["gender"] = str(
            _("性别与身份证号不符（身份证号显示为%(gender)s）") % {"gender": Gender(id_gender).label}
        )
    if birth_date and id_birth and birth_date != id_birth:
        errors["birth_date"] = str(
            _("出生日期与身份证号不符（身份证号显示为 %(date)s）") % {"date": id_birth.isoformat()}
        )
    birth = birth_date or id_birth
    if join_date and birth and join_date < eighteenth_birthday(birth):
        errors["join_date"] = str(
            _("入党时未满18周岁（18周岁生日为 %(date)s）") % {"date": eighteenth_birthday(birth).isoformat()}
        )
    return errors


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


# 17 digits and a digit or X, not part of a longer number (full-width digits are folded first).
ID_NUMBER_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def contains_id_number(value: str) -> bool:
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s\-]", "", text)
    return bool(ID_NUMBER_LIKE.search(text))


def validate_no_id_number(value: str) -> None:
    """Refuse free text carrying something that looks like an 18-digit ID number (GB 11643)."""
    if contains_id_number(value):
        raise ValidationError(
            _("请勿填写身份证号码：此处只描述情况（如“村民张某”），不得包含身份证号"), code="id_number"
        )


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("请填写11位手机号码或带区号的固定电话（如0311-87654321）"), code="phone")
