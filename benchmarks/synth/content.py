"""Seeded, real-looking Vietnamese administrative content: units, people, addresses, procedures, dossiers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class Unit:
    """A one-stop service centre (bộ phận một cửa) and the places it names on paper."""

    code: str  # the unit part of a dossier code: left-to-right "H21.65" or padded "000.00.14.H12"
    province: str
    district: str
    commune: str | None  # None for a district-level unit

    @property
    def name(self) -> str:
        return f"UBND xã {self.commune}" if self.commune else f"UBND huyện {self.district}"

    @property
    def place(self) -> str:
        """The place name of the date line ("Phú Lộc, ngày ...")."""
        return self.commune or self.district

    @property
    def header(self) -> tuple[str, str]:
        """The two agency lines top-left: the superior body, then the issuing body (printed bold)."""
        if self.commune:
            return f"UBND HUYỆN {self.district.upper()}", f"ỦY BAN NHÂN DÂN XÃ {self.commune.upper()}"
        return f"UBND TỈNH {self.province.upper()}", f"ỦY BAN NHÂN DÂN HUYỆN {self.district.upper()}"

    @property
    def issuer(self) -> str:
        """How the issuing body names itself in running text."""
        return f"Ủy ban nhân dân xã {self.commune}" if self.commune else f"Ủy ban nhân dân huyện {self.district}"


UNITS: tuple[Unit, ...] = (
    Unit("H21.65", "Thừa Thiên Huế", "Phú Lộc", "Lộc An"),
    Unit("H21.66", "Thừa Thiên Huế", "Phú Lộc", None),
    Unit("000.00.14.H12", "Quảng Nam", "Duy Xuyên", "Duy Trung"),
    Unit("H40.23", "Nghệ An", "Diễn Châu", "Diễn Hồng"),
    Unit("000.20.33.H57", "Thái Bình", "Kiến Xương", "Quang Trung"),
    Unit("H52.18", "Bình Định", "Phù Cát", "Cát Hưng"),
)

# First three digits of the 12-digit personal ID number (căn cước công dân) by province.
PROVINCE_ID_PREFIX = {
    "Thừa Thiên Huế": "046", "Quảng Nam": "049", "Nghệ An": "040", "Thái Bình": "034", "Bình Định": "052",
}

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh")
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Xuân", "Đình")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Diệu", "Mỹ", "Thị Kim")
GIVEN_MALE = ("Hùng", "Hưng", "Đạt", "Dũng", "Hải", "Tuấn", "Lộc", "Phúc", "Khoa", "Trung", "Thắng",
              "Cường", "Quý", "Nghĩa", "Đức", "Toàn", "Việt")
GIVEN_FEMALE = ("Lan", "Hương", "Thảo", "Phương", "Nga", "Hằng", "Thủy", "Yến", "Nhung", "Đạt", "Hưng",
                "Ánh", "Liên", "Duyên", "Trâm", "Huệ")
HAMLETS = ("thôn Phú Xuân", "thôn Đông Hải", "thôn 3", "xóm Bắc", "thôn Trung Hòa", "tổ dân phố 5",
           "thôn An Lương", "xóm Đồng Tiến", "thôn Mỹ Lợi", "thôn Thủy Tú")
ETHNICITIES = ("Kinh", "Kinh", "Kinh", "Tày", "Mường")


@dataclass(frozen=True)
class Procedure:
    code: str  # mã thủ tục hành chính (TTHC)
    name: str
    field: str  # lĩnh vực
    level: str  # "xã" or "huyện": which unit handles it
    form_title: str
    documents: tuple[str, ...]  # thành phần hồ sơ
    days: int  # thời hạn giải quyết (ngày làm việc)


PROCEDURES: tuple[Procedure, ...] = (
    Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", "xã", "TỜ KHAI ĐĂNG KÝ KHAI SINH",
              ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"), 1),
    Procedure("1.000894", "Đăng ký kết hôn", "Hộ tịch", "xã", "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
              ("Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"), 3),
    Procedure("1.004859", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", "xã",
              "TỜ KHAI ĐĂNG KÝ THAY ĐỔI, CẢI CHÍNH HỘ TỊCH", ("Tờ khai", "Bản sao Giấy khai sinh"), 3),
    Procedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", "xã",
              "PHIẾU YÊU CẦU CHỨNG THỰC", ("Bản chính giấy tờ", "Bản sao cần chứng thực"), 1),
    Procedure("1.003003", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai", "huyện",
              "ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
              ("Đơn đăng ký, cấp Giấy chứng nhận", "Giấy tờ về quyền sử dụng đất", "Sơ đồ thửa đất"), 30),
    Procedure("1.001776", "Trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", "xã",
              "TỜ KHAI ĐỀ NGHỊ TRỢ GIÚP XÃ HỘI", ("Tờ khai", "Bản sao giấy tờ tùy thân"), 20),
)


@dataclass(frozen=True)
class Person:
    name: str
    male: bool
    born: date
    id_number: str  # 12 digits
    address: str
    ethnicity: str

    @property
    def title(self) -> str:
        return "ông" if self.male else "bà"


@dataclass(frozen=True)
class Dossier:
    """One dossier (hồ sơ) of the one-stop registry, with everything its pages print."""

    code: str  # <unit code>-<YYMMDD>-<NNNN>
    unit: Unit
    procedure: Procedure
    applicant: Person
    received_at: datetime
    due_at: datetime
    status: str
    officer: str  # who received it
    signer: str  # who signs the decision
    parcel: tuple[int, int, str]  # thửa đất số, tờ bản đồ số, diện tích m²
    document_number: int  # số văn bản


STATUSES = ("Đã tiếp nhận", "Đang giải quyết", "Đã trả kết quả", "Đã trả kết quả")


def person_name(rng: random.Random, male: bool) -> str:
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return f"{rng.choice(SURNAMES)} {middle} {given}"


def address(rng: random.Random, unit: Unit) -> str:
    commune = unit.commune or rng.choice(("Lộc Sơn", "Lộc Bổn", "Vinh Hưng", "Lộc Điền"))
    return f"{rng.choice(HAMLETS)}, xã {commune}, huyện {unit.district}, tỉnh {unit.province}"


def id_number(rng: random.Random, province: str, male: bool, born: date) -> str:
    century = 0 if born.year < 2000 else 2
    gender = century + (0 if male else 1)
    return f"{PROVINCE_ID_PREFIX[province]}{gender}{born.year % 100:02d}{rng.randrange(10**6):06d}"


def make_person(rng: random.Random, unit: Unit) -> Person:
    male = rng.random() < 0.5
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    return Person(person_name(rng, male), male, born, id_number(rng, unit.province, male, born),
                  address(rng, unit), rng.choice(ETHNICITIES))


def dossier_code(unit: Unit, received: datetime, number: int) -> str:
    return f"{unit.code}-{received:%y%m%d}-{number:04d}"


def make_dossier(rng: random.Random, unit: Unit | None = None, procedure: Procedure | None = None) -> Dossier:
    """A dossier with consistent content; `unit` and `procedure` are drawn when not given."""
    unit = unit or rng.choice(UNITS)
    if procedure is None:
        level = "xã" if unit.commune else "huyện"
        procedure = rng.choice([p for p in PROCEDURES if p.level == level] or list(PROCEDURES))
    received = datetime(2019, 1, 2, 7, 30) + timedelta(days=rng.randrange(365 * 5), minutes=rng.randrange(0, 540, 5))
    if received.weekday() >= 5:
        received -= timedelta(days=received.weekday() - 4)
    due = received + timedelta(days=procedure.days + 2 * (procedure.days // 5))
    due = due.replace(hour=rng.choice((8, 9, 10, 14, 15, 16)), minute=rng.choice((0, 15, 30)))
    parcel = (rng.randint(12, 899), rng.randint(1, 96), f"{rng.randint(80, 1200)},{rng.randint(0, 9)}")
    return Dossier(
        code=dossier_code(unit, received, rng.randint(1, 350)),
        unit=unit,
        procedure=procedure,
        applicant=make_person(rng, unit),
        received_at=received,
        due_at=due,
        status=rng.choice(STATUSES),
        officer=person_name(rng, rng.random() < 0.4),
        signer=person_name(rng, rng.random() < 0.7),
        parcel=parcel,
        document_number=rng.randint(5, 480),
    )


def long_date(d: date | datetime) -> str:
    """NĐ 30/2020 spells days below 10 and months below 3 with a leading zero."""
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"
