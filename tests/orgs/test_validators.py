import pytest
from django.core.exceptions import ValidationError

from orgs.validators import (
    id_check_char,
    id_number_birth_date,
    id_number_error,
    mask_id_number,
    mask_mobile,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize(
    "first17, check",
    [
        ("11010519491231002", "X"),  # the textbook example of GB 11643
        ("44052419800101001", "3"),  # 196 mod 11 = 9
        ("13010219800517001", "1"),  # 198 mod 11 = 0
    ],
)
def test_check_char_follows_gb11643_weights(first17, check):
    assert id_check_char(first17) == check


def test_valid_18_digit_numbers_pass():
    assert id_number_error("11010519491231002X") is None
    assert id_number_error("11010519491231002x") is None  # lower-case x is normalized
    validate_id_number("440524198001010013")


@pytest.mark.parametrize(
    "value, reason",
    [
        ("110105194912310021", "身份证号校验位错误"),
        ("440524198001010014", "身份证号校验位错误"),
        ("11010519491231002", "身份证号应为 18 位（或旧式 15 位）"),
        ("1101051949123100211", "身份证号应为 18 位（或旧式 15 位）"),
        ("11010519491331002X", "身份证号中的出生日期 1949-13-31 不是有效日期"),
        ("11010518491231002X", "身份证号中的出生日期不合理"),
        ("1101051949123100AX", "身份证号只能包含数字，最后一位可以是 X"),
        ("", "身份证号应为 18 位（或旧式 15 位）"),
    ],
)
def test_invalid_numbers_give_the_chinese_reason(value, reason):
    assert id_number_error(value) == reason
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.messages == [reason]


def test_legacy_15_digit_numbers():
    assert id_number_error("130102800517123") is None
    assert id_number_birth_date("130102800517123").isoformat() == "1980-05-17"
    assert id_number_error("130102801317123") == "身份证号中的出生日期 1980-13-17 不是有效日期"
    assert id_number_error("13010280051712X") == "15 位身份证号只能包含数字"


def test_birth_date_from_id_number():
    assert id_number_birth_date("11010519491231002X").isoformat() == "1949-12-31"


@pytest.mark.parametrize("value", ["13911112222", "15000000000", "19912345678"])
def test_valid_mobiles(value):
    validate_mobile(value)


@pytest.mark.parametrize(
    "value", ["12911112222", "1391111222", "139111122223", "23911112222", "1391111222a", "+8613911112222"]
)
def test_invalid_mobiles(value):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert "手机号码" in exc.value.messages[0]


def test_masks():
    assert mask_id_number("13010219800517123X") == "1301**********123X"
    assert mask_id_number("130102800517123") == "1301*******7123"
    assert mask_mobile("13911112222") == "139****2222"
