"""agency_key: one key per body however its name is printed, and never two bodies under one."""

from canonical.agency_key import agency_keys, normalise


def test_width_spaces_and_punctuation_are_unified():
    assert normalise("ＸＸ区人民政府（办公室）") == "XX区人民政府办公室"
    assert normalise("北京市丰台区 人民政府\u3000") == "北京市丰台区人民政府"
    assert normalise("石景山区·人民政府") == "石景山区人民政府"


def test_a_leading_city_or_province_is_dropped_when_the_rest_is_unambiguous():
    keys = agency_keys(["淮安市洪泽区人民政府", "洪泽区人民政府", "江苏省淮安市洪泽区人民政府"])
    assert set(keys.values()) == {"洪泽区人民政府"}
    # A street office keeps its district: only a province or city is dropped.
    assert agency_keys(["北京市丰台区卢沟桥街道办事处"]) == {
        "北京市丰台区卢沟桥街道办事处": "丰台区卢沟桥街道办事处"
    }
    # A county-level city after its province: the province goes, the city stays.
    assert agency_keys(["江苏省昆山市人民政府", "昆山市人民政府"]) == {
        "江苏省昆山市人民政府": "昆山市人民政府",
        "昆山市人民政府": "昆山市人民政府",
    }


def test_two_cities_with_a_district_of_the_same_name_stay_apart():
    keys = agency_keys(["北京市朝阳区人民政府", "长春市朝阳区人民政府", "朝阳区人民政府"])
    assert keys == {
        "北京市朝阳区人民政府": "北京市朝阳区人民政府",
        "长春市朝阳区人民政府": "长春市朝阳区人民政府",
        "朝阳区人民政府": "朝阳区人民政府",  # which of the two? neither
    }
    # Compatible prefixes are one place: the province beside the province and city.
    keys = agency_keys(["江苏省淮安市洪泽区人民政府", "江苏省洪泽区人民政府"])
    assert set(keys.values()) == {"洪泽区人民政府"}
    # Two provinces are not.
    keys = agency_keys(["江苏省新华区人民政府", "河北省新华区人民政府"])
    assert keys["江苏省新华区人民政府"] != keys["河北省新华区人民政府"]


def test_different_bodies_are_never_merged():
    names = [
        "淮安市洪泽区人民政府",
        "淮安市洪泽区人民政府办公室",
        "洪泽区人民政府办公室",
        "北京市发展和改革委员会",
        "上海市发展和改革委员会",
        "发展和改革委员会",
        "北京市住房和城乡建设委员会",
        "北京市社区服务中心",
    ]
    keys = agency_keys(names)
    assert keys["淮安市洪泽区人民政府"] == "洪泽区人民政府"
    assert keys["淮安市洪泽区人民政府办公室"] == keys["洪泽区人民政府办公室"]
    assert keys["洪泽区人民政府办公室"] != keys["淮安市洪泽区人民政府"]
    # A city's own bodies keep their city: what is left is no place.
    assert keys["北京市发展和改革委员会"] == "北京市发展和改革委员会"
    assert keys["上海市发展和改革委员会"] == "上海市发展和改革委员会"
    assert keys["发展和改革委员会"] == "发展和改革委员会"
    assert keys["北京市住房和城乡建设委员会"] == "北京市住房和城乡建设委员会"  # 城乡 is no 乡
    assert keys["北京市社区服务中心"] == "北京市社区服务中心"  # 社区 is no 区
    assert len(set(keys.values())) == len(names) - 1  # only the two 办公室 spellings met


def test_a_name_alone_in_the_run_is_unambiguous_and_none_has_no_key():
    assert agency_keys(["北京市丰台区人民政府", None, ""]) == {
        "北京市丰台区人民政府": "丰台区人民政府"
    }
