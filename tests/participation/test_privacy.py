"""Personal data in free text is masked; phone numbers normalised (pure functions, no database)."""

import pytest
from django.core.exceptions import ValidationError

from wenming.participation.privacy import find_personal_data, mask_personal_data, normalise_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请联系我13912345678谢谢", "请联系我139****5678谢谢"),
        ("电话 139-1234-5678", "电话 139****5678"),
        ("电话+86 139 1234 5678。", "电话139****5678。"),
        ("座机0592-5551234", "座机059******34"),
        ("身份证350206199001011234在这", "身份证3502**************在这"),
        ("身份证35020619900101123X", "身份证3502**************"),
        ("车牌闽D12345违停", "车牌闽D*****违停"),
        ("新能源闽DD12345占道", "新能源闽D******占道"),
        ("车牌 闽D·A1234 堵路", "车牌 闽D***** 堵路"),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert mask_personal_data(text) == expected


def test_masking_is_idempotent_and_leaves_ordinary_numbers():
    text = "枋湖路12号门口有3袋垃圾，2026年11月28日拍摄"
    assert mask_personal_data(text) == text
    masked = mask_personal_data("打13912345678")
    assert mask_personal_data(masked) == masked


def test_find_personal_data_names_the_kinds():
    found = find_personal_data("13912345678 闽D12345 350206199001011234")
    assert sorted(kind for kind, _ in found) == ["id", "mobile", "plate"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("13912345678", "13912345678"), ("+86 139-1234-5678", "13912345678"), ("0086 13912345678", "13912345678"),
     ("", "")],
)  # fmt: skip
def test_normalise_phone(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "23912345678", "1391234567a", "0592-5551234"])
def test_normalise_phone_refuses_non_mobile_numbers(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert exc.value.message_dict == {"phone": ["手机号格式不正确，应为 11 位大陆手机号。"]}
