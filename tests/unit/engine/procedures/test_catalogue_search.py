"""Folding diacritics and searching the catalogue through the service layer."""

from __future__ import annotations

from engine.procedures.catalogue_search import (
    CatalogueQuery,
    catalogue_filters,
    fold_diacritics,
    search_procedures,
)


def test_fold_diacritics_drops_marks_and_maps_d_with_stroke():
    assert fold_diacritics("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold_diacritics("ĐỒNG  THÁP, đường") == "dong thap duong"
    assert fold_diacritics("Hộ tịch — cấp xã") == "ho tich cap xa"
    assert fold_diacritics("Mã 1.001193") == "ma 1.001193"
    assert fold_diacritics("") == ""


def test_search_matches_every_word_in_any_order(demo, session):
    def names(keyword: str) -> list[str]:
        return [p.name for p in search_procedures(session, CatalogueQuery(keyword=keyword))]

    assert names("dang ky khai sinh") == ["Đăng ký khai sinh"]
    assert names("khai sinh dang ky") == ["Đăng ký khai sinh"]
    assert names("1.001193") == ["Đăng ký khai sinh"]
    assert names("ho tich") == ["Đăng ký khai sinh"]
    assert names("khai tu") == []
    assert names("ho kinh doanh") == ["Đăng ký thành lập hộ kinh doanh"]
    assert sorted(names("")) == sorted(
        [
            "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            "Đăng ký khai sinh",
            "Đăng ký thành lập hộ kinh doanh",
        ]
    )


def test_filters_list_the_values_in_use(demo, session):
    filters = catalogue_filters(session)
    assert filters.fields == sorted(
        ["Hoạt động xây dựng", "Hộ tịch", "Thành lập và hoạt động của hộ kinh doanh"]
    )
    assert filters.levels == [("commune", "Cấp xã")]
    assert sorted(filters.online_levels) == [("mot_phan", "Một phần"), ("toan_trinh", "Toàn trình")]
    assert [agency.name for agency in filters.agencies] == ["UBND phường Phú Cường"]
