"""The test identities the sandbox provider offers on its sign-in page."""

TEST_IDENTITIES: list[dict] = [
    {
        "sub": "vneid-sandbox-0001",
        "LoaiTaiKhoan": "1",
        "SoDinhDanh": "074090001234",
        "HoVaTen": "Nguyễn Văn An",
        "SoDienThoai": "0912345678",
        "ThuDienTu": "an.nguyen@example.vn",
        "NgaySinh": "12/03/1990",
    },
    {
        "sub": "vneid-sandbox-0002",
        "LoaiTaiKhoan": "1",
        "SoDinhDanh": "001195012345",
        "HoVaTen": "Trần Thị Mai",
        "SoDienThoai": "0987654321",
        "ThuDienTu": "mai.tran@example.vn",
        "NgaySinh": "02/09/1995",
    },
    {
        "sub": "vneid-sandbox-0003",
        "LoaiTaiKhoan": "2",
        "SoDinhDanh": "079088004321",
        "HoVaTen": "Lê Văn Hùng",
        "SoDienThoai": "0903123456",
        "ThuDienTu": "lienhe@phucuong.example.vn",
        "MaSoThue": "0100109106",
        "TenDoanhNghiep": "Công ty TNHH Thương mại Phú Cường",
    },
]
