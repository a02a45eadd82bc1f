"""The catalogue: diacritics-insensitive search, filters, and what a procedure page tells."""

from __future__ import annotations

from tests.factories import KHAI_SINH


def test_search_without_diacritics_finds_the_procedure(client, demo):
    page = client.get("/?q=dang+ky+khai+sinh").get_data(as_text=True)
    assert "Tìm thấy 1 thủ tục" in page
    assert "Đăng ký khai sinh" in page

    page = client.get("/?q=ĐĂNG KÝ Khai").get_data(as_text=True)
    assert "Tìm thấy 1 thủ tục" in page

    page = client.get("/?q=ket+hon").get_data(as_text=True)
    assert "Tìm thấy 0 thủ tục" in page
    assert "Không tìm thấy thủ tục phù hợp" in page


def test_filters_by_field_level_online_level_and_agency(client, demo, session_factory):
    from engine.procedures.models import Procedure

    with session_factory() as session:
        agency_id = session.query(Procedure).filter_by(code=KHAI_SINH).one().agency_id

    def count(query: str) -> str:
        page = client.get(f"/?{query}").get_data(as_text=True)
        return page.split('id="result-count">Tìm thấy ')[1].split(" ")[0]

    assert count("linh_vuc=Hộ+tịch") == "1"
    assert count("linh_vuc=Đất+đai") == "0"
    # the three shipped procedures: birth and household business registration (toàn trình)
    # and the construction permit (một phần), all at commune level in the demo ward
    assert count("cap=commune") == "3"
    assert count("cap=province") == "0"
    assert count("muc_do=toan_trinh") == "2"
    assert count("muc_do=mot_phan") == "1"
    assert count(f"co_quan={agency_id}") == "3"
    assert count(f"co_quan={agency_id + 999}") == "0"


def test_filter_form_offers_only_values_in_use(client, demo):
    page = client.get("/").get_data(as_text=True)
    assert '<option value="Hộ tịch"' in page
    assert '<option value="toan_trinh"' in page
    assert "UBND phường Phú Cường</option>" in page


def test_procedure_page_shows_what_a_citizen_needs_before_starting(client, demo):
    page = client.get(f"/thu-tuc/{KHAI_SINH}").get_data(as_text=True)
    for expected in (
        "Trình tự thực hiện",
        "Tiếp nhận hồ sơ",
        "Giấy chứng sinh",
        "Tải lên khi nộp trực tuyến",
        "Khai trên biểu mẫu điện tử",
        "1 ngày làm việc",
        "miễn phí",
        "Người có thẩm quyền quyết định",
        "Căn cứ pháp lý",
        "Luật Hộ tịch số 60/2014/QH13",
        "Toàn trình",
        "Nộp hồ sơ trực tuyến",
    ):
        assert expected in page, expected


def test_procedure_page_offers_blank_forms_to_download(client, demo):
    page = client.get(f"/thu-tuc/{KHAI_SINH}").get_data(as_text=True)
    assert "Tờ khai (mẫu in)" in page
    assert f'href="/thu-tuc/{KHAI_SINH}/mau/van_ban_uy_quyen"' in page

    blank = client.get(f"/thu-tuc/{KHAI_SINH}/mau/van_ban_uy_quyen")
    assert blank.status_code == 200 and blank.mimetype == "application/pdf"
    assert blank.data.startswith(b"%PDF-")
    assert "ỦY QUYỀN" in _pdf_text(blank.data)
    assert client.get(f"/thu-tuc/{KHAI_SINH}/mau/giay_chung_sinh").status_code == 404


def test_printable_applicant_form_has_every_label_with_diacritics(client, demo):
    response = client.get(f"/thu-tuc/{KHAI_SINH}/to-khai-mau-in.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for label in (
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Thủ tục: Đăng ký khai sinh",
        "Họ, chữ đệm và tên người yêu cầu (*):",
        "Quan hệ với người được khai sinh (*)",
        "Người được ủy quyền",
        "Ngày, tháng, năm sinh (*):",
        "NGƯỜI YÊU CẦU",
    ):
        assert label in text, label


def _pdf_text(content: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
