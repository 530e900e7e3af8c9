"""One file of the mark: sizes, clear space, colours, metadata, refusals and determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import struct
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from htq_mark.errors import (
    BelowMinimumSizeError,
    NotEntitledError,
    OutputExistsError,
    UsageError,
)
from htq_mark.generator import FORMATS, generate
from htq_mark.generator._background import background_for
from htq_mark.kit._colour import relative_luminance
from htq_mark.generator._formats.png import png_chunks
from htq_mark.kit import load_kit
from htq_mark.register import default_register, export_register, load_register

from .conftest import edit_spec

PT_PER_MM = 72 / 25.4
ENTITLED = "999/1001/9"   # in the built-in example register
WITHDRAWN = "999/2005/0"  # withdrawn on 2025-03-31


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(("format", "width", "dpi", "canvas", "artwork"), [
    ("png", "150px", 300, (174, 71), (150, 47)),
    ("png", "300px", 300, (348, 142), (300, 94)),
    ("png", "1080px", 96, (1250, 508), (1080, 338)),
    ("png", "40mm", 300, (546, 222), (472, 148)),     # 40 mm at 300 dpi = 472.44 -> 472 px
    ("jpg", "200px", 300, (232, 95), (200, 63)),
    ("webp", "600px", 300, (694, 282), (600, 188)),
    ("webp", "25mm", 150, (172, 70), (148, 46)),   # 46.25 -> 46; 11.5 -> 12
])
def test_raster_files_have_exact_pixel_sizes(format: str, width: str, dpi: int, canvas: tuple[int, int],
                                             artwork: tuple[int, int]) -> None:
    asset = generate("colour", format, width, dpi=dpi)
    assert _image(asset.data).size == canvas
    assert (asset.canvas_width_px, asset.canvas_height_px) == canvas
    assert (asset.width_px, asset.height_px) == artwork


@pytest.mark.parametrize("format", ["png", "jpg", "webp"])
def test_no_clear_space_gives_exactly_the_artwork(format: str) -> None:
    asset = generate("black", format, "300px", clear_space=False)
    assert _image(asset.data).size == (300, 94)
    assert asset.layout.margin_px == 0


@pytest.mark.parametrize("variant", ["colour", "black", "white"])
def test_png_clear_space_is_exact_and_transparent(variant: str) -> None:
    image = _image(generate(variant, "png", "300px").data)
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    assert alpha.getbbox() == (24, 24, 324, 118)  # the artwork fills exactly 300 x 94 inside 24 px margins
    assert image.getpixel((0, 0))[3] == 0


# Points inside parts of the bundled artwork (viewBox units 640 x 200), and what covers them.
POINTS = {"badge": (630, 100), "tile": (30, 30), "monogram stem": (39, 100), "chevron": (227, 100)}
EXPECTED = {
    "colour": {"badge": "#0B2545", "tile": "#FFFFFF", "monogram stem": "#0B2545", "chevron": "#FFB300"},
    "black": {"badge": "#000000", "tile": None, "monogram stem": "#000000", "chevron": None},
    "white": {"badge": "#FFFFFF", "tile": None, "monogram stem": "#FFFFFF", "chevron": None},
}


@pytest.mark.parametrize("variant", ["colour", "black", "white"])
def test_png_colours_are_exactly_the_palette(variant: str) -> None:
    kit = load_kit()
    palette = {colour.rgb for colour in kit.spec.variant(variant).colours}
    image = _image(generate(variant, "png", "640px", clear_space=False).data).convert("RGBA")
    for part, (x, y) in POINTS.items():
        expected = EXPECTED[variant][part]
        pixel = image.getpixel((x, y))
        if expected is None:
            assert pixel[3] == 0, f"{part} should be knocked out"
        else:
            assert pixel == (int(expected[1:3], 16), int(expected[3:5], 16), int(expected[5:7], 16), 255), part
    colours = image.getcolors(1 << 20)
    opaque = sum(count for count, pixel in colours if pixel[3] == 255)
    in_palette = {pixel[:3]: count for count, pixel in colours if pixel[3] == 255 and pixel[:3] in palette}
    # Apart from anti-aliased edges every opaque pixel is exactly a palette colour, and each is used.
    assert sum(in_palette.values()) >= 0.9 * opaque
    assert set(in_palette) == palette


def test_png_carries_dpi_srgb_and_metadata() -> None:
    asset = generate("colour", "png", "300px", dpi=300, qualification=ENTITLED, date=dt.date(2026, 1, 5))
    kinds = [kind for kind, _ in png_chunks(asset.data)]
    assert kinds[0] == b"IHDR" and kinds.index(b"sRGB") < kinds.index(b"IDAT")
    assert b"bKGD" not in kinds and b"tIME" not in kinds
    image = _image(asset.data)
    assert image.info["srgb"] == 0
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert image.info["htq-mark:variant"] == "colour"
    assert image.info["htq-mark:qualification"] == ENTITLED
    assert image.info["htq-mark:qualification_date"] == "2026-01-05"
    assert image.info["htq-mark:kit_version"] == load_kit().version
    assert image.info["Software"].startswith("htq-mark ")


def test_international_text_goes_in_itxt(kit_copy: Path) -> None:
    edit_spec(kit_copy, 'name = "htq-mark default kit"', 'name = "Kit \u2713 \u0141\u00f3d\u017a"')
    asset = generate("colour", "png", "300px", kit=kit_copy)
    chunks = dict(png_chunks(asset.data))
    assert b"iTXt" in chunks
    assert _image(asset.data).info["htq-mark:kit"] == "Kit \u2713 \u0141\u00f3d\u017a"
    assert asset.metadata["kit"] == "Kit \u2713 \u0141\u00f3d\u017a"


@pytest.mark.parametrize(("variant", "background"), [("colour", (255, 255, 255)), ("black", (255, 255, 255)),
                                                     ("white", (0x0B, 0x25, 0x45))])
def test_jpeg_and_webp_are_flattened_on_the_variants_background(variant: str,
                                                                 background: tuple[int, int, int]) -> None:
    assert background_for(load_kit(), variant) == background
    webp = _image(generate(variant, "webp", "300px").data)
    assert webp.mode == "RGB" and webp.getpixel((2, 2)) == background  # lossless: exact
    jpeg = _image(generate(variant, "jpg", "300px").data)
    assert all(abs(a - b) <= 2 for a, b in zip(jpeg.getpixel((2, 2)), background))


def test_the_dark_background_is_dark_enough_for_the_white_variant() -> None:
    kit = load_kit()
    assert relative_luminance(background_for(kit, "white")) <= kit.spec.backgrounds.dark_max_luminance


@pytest.mark.parametrize("format", ["jpg", "webp"])
def test_jpeg_and_webp_carry_dpi_srgb_and_metadata(format: str) -> None:
    image = _image(generate("colour", format, "300px", dpi=150, qualification=ENTITLED).data)
    exif = image.getexif()
    assert float(exif[0x011A]) == 150 and exif[0x0128] == 2
    assert exif.get_ifd(0x8769)[0xA001] == 1  # sRGB
    assert "variant colour" in exif[0x010E] and ENTITLED in exif[0x010E]
    assert b"<htq:variant>colour</htq:variant>" in image.info["xmp"]
    if format == "jpg":
        assert image.info["dpi"] == (150, 150)
        assert b"variant colour" in image.info["comment"]


@pytest.mark.parametrize(("width", "dpi", "canvas_mm"), [
    ("40mm", 300, (46.25, 18.75)),
    ("25mm", 300, (28.90625, 11.71875)),
    ("120mm", 150, (138.75, 56.25)),
    ("600px", 300, (58.7375, 23.8125)),  # 600 px at 300 dpi = 50.8 mm of artwork
])
def test_pdf_page_is_the_canvas_in_mm(width: str, dpi: int, canvas_mm: tuple[float, float]) -> None:
    asset = generate("colour", "pdf", width, dpi=dpi)
    box = PdfReader(io.BytesIO(asset.data)).pages[0].mediabox
    assert float(box.width) / PT_PER_MM == pytest.approx(canvas_mm[0], abs=0.01)
    assert float(box.height) / PT_PER_MM == pytest.approx(canvas_mm[1], abs=0.01)
    assert (asset.canvas_width_mm, asset.canvas_height_mm) == pytest.approx(canvas_mm)


def test_pdf_without_clear_space_is_the_artwork() -> None:
    box = PdfReader(io.BytesIO(generate("white", "pdf", "40mm", clear_space=False).data)).pages[0].mediabox
    assert (float(box.width) / PT_PER_MM, float(box.height) / PT_PER_MM) == pytest.approx((40, 12.5), abs=0.01)


def _colour_operators(data: bytes) -> list[tuple[bytes, list[float]]]:
    reader = PdfReader(io.BytesIO(data))
    stream = ContentStream(reader.pages[0].get_contents(), reader)
    return [(operator, [float(v) for v in operands]) for operands, operator in stream.operations
            if operator in (b"rg", b"RG", b"g", b"G", b"k", b"K")]


def test_pdf_is_vector_rgb_with_metadata() -> None:
    asset = generate("colour", "pdf", "40mm", qualification=ENTITLED)
    reader = PdfReader(io.BytesIO(asset.data))
    page = reader.pages[0]
    assert not page.images  # vector: no raster images
    assert {op for op, _ in _colour_operators(asset.data)} == {b"rg"}
    info = reader.metadata
    assert info["/HTQMarkVariant"] == "colour"
    assert info["/HTQMarkQualification"] == ENTITLED
    assert info["/Producer"].startswith("htq-mark ")
    assert "/CreationDate" not in info  # cairo's clock time is gone
    assert b"<htq:qualification>999/1001/9</htq:qualification>" in reader.xmp_metadata.stream.get_data()


@pytest.mark.parametrize("variant", ["colour", "black", "white"])
def test_cmyk_pdf_uses_the_spec_values(variant: str) -> None:
    spec_values = {tuple(v / 100 for v in c.cmyk) for c in load_kit().spec.variant(variant).colours}
    operators = _colour_operators(generate(variant, "pdf", "40mm", colour_space="cmyk").data)
    assert operators and {op for op, _ in operators} == {b"k"}
    found = sorted({tuple(values) for _, values in operators})
    expected = sorted(spec_values)
    # One approx per colour: pytest.approx does not compare nested sequences.
    assert len(found) == len(expected)
    assert all(colour == pytest.approx(wanted) for colour, wanted in zip(found, expected, strict=True))


def test_eps_is_vector_with_the_canvas_as_its_bounding_box() -> None:
    text = generate("colour", "eps", "40mm", qualification=ENTITLED).data.decode("latin-1")
    assert text.startswith("%!PS-Adobe-3.0 EPSF-3.0\n")
    hires = re.search(r"^%%HiResBoundingBox: ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)$", text, re.MULTILINE)
    assert hires is not None
    x0, y0, x1, y1 = (float(v) for v in hires.groups())
    assert ((x1 - x0) / PT_PER_MM, (y1 - y0) / PT_PER_MM) == pytest.approx((46.25, 18.75), abs=0.01)
    assert re.search(r"^%%BoundingBox: 0 0 132 54$", text, re.MULTILINE)
    assert "%%CreationDate" not in text and "cairo" not in text.split("%%EndComments")[0]
    assert f"%%HTQMark-qualification: {ENTITLED}" in text
    assert "%%HTQMark-variant: colour" in text
    assert "image" not in text.split("%%EndProlog")[1]


def test_cmyk_eps_uses_setcmykcolor() -> None:
    text = generate("colour", "eps", "40mm", colour_space="cmyk").data.decode("latin-1")
    page = text.split("%%EndProlog")[1]
    assert "/k { setcmykcolor } bind def" in text
    assert "1 0.78 0.3 0.55 k" in page and "0 0.32 1 0 k" in page
    assert not re.search(r"\d rg\b", page)


@pytest.mark.parametrize(("width", "expected"), [("300px", ("348px", "142px")), ("40mm", ("46.25mm", "18.75mm"))])
def test_svg_is_sized_in_the_unit_asked_for(width: str, expected: tuple[str, str]) -> None:
    text = generate("colour", "svg", width).data.decode()
    assert f'width="{expected[0]}" height="{expected[1]}"' in text
    assert "viewBox=" in text and "<title>" in text and "<metadata>" in text


@pytest.mark.parametrize("format", FORMATS)
def test_the_same_inputs_give_the_same_bytes(format: str) -> None:
    width = "30mm" if format in ("pdf", "eps") else "300px"
    first = generate("colour", format, width, qualification=ENTITLED, date=dt.date(2026, 2, 3))
    second = generate("colour", format, width, qualification=ENTITLED, date=dt.date(2026, 2, 3))
    assert first.data == second.data


@pytest.mark.parametrize("format", ["pdf", "eps", "png"])
def test_source_date_epoch_dates_the_file(format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = generate("black", format, "30mm").data
    assert first == generate("black", format, "30mm").data
    if format == "pdf":
        assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"] == "D:20231114221320Z"
    elif format == "eps":
        assert b"\n%%CreationDate: 2023-11-14T22:13:20Z\n" in first
    else:
        assert _image(first).info["Creation Time"] == "2023-11-14T22:13:20Z"


@pytest.mark.parametrize(("format", "width", "dpi", "message"), [
    ("png", "149px", 300, "the minimum is 150 px"),
    ("svg", "100px", 300, "the minimum is 150 px"),
    ("webp", "24.9mm", 300, "the minimum is 25 mm"),
    ("pdf", "10mm", 300, "the minimum is 25 mm"),
    ("eps", "24mm", 300, "the minimum is 25 mm"),
    ("pdf", "200px", 300, "the minimum is 296 px"),   # print formats: 25 mm at 300 dpi
    ("pdf", "149px", 72, "the minimum is 150 px"),    # 149 px at 72 dpi would be 52 mm, but not 150 px
    ("png", "30mm", 100, "below the print minimum of 150 ppi"),
])
def test_widths_below_the_minimum_are_refused(format: str, width: str, dpi: int, message: str) -> None:
    with pytest.raises(BelowMinimumSizeError, match=message):
        generate("colour", format, width, dpi=dpi)


@pytest.mark.parametrize(("format", "width"), [("png", "150px"), ("pdf", "25mm"), ("pdf", "296px"),
                                               ("png", "25mm")])
def test_the_minimum_itself_is_allowed(format: str, width: str) -> None:
    assert generate("colour", format, width).data


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"format": "gif"}, "unknown format 'gif'; choose one of svg, png, pdf, eps, jpg, webp"),
    ({"variant": "gold"}, "unknown variant 'gold'; choose one of colour, black, white"),
    ({"colour_space": "cmyk"}, 'colour_space="cmyk" is for pdf and eps only; png is always sRGB'),
    ({"colour_space": "lab"}, "unknown colour space 'lab'"),
    ({"dpi": 5}, "dpi 5 is out of range"),
    ({"dpi": float("nan")}, "out of range"),
    ({"dpi": "300"}, "dpi takes a number (dots per inch, from 10 to 2400; 300 is usual for print), not str '300'"),
    ({"dpi": True}, "dpi takes a number"),
    ({"width": "-300px"}, "width '-300px' is negative; write a positive length, like '300px' or '40mm'"),
    ({"width": "1e9px"}, "width '1e9px' has an exponent; write the number in digits, with a unit, like '300px'"),
    ({"width": "300"}, "not a number with a unit"),
    ({"width": "20000px"}, "the largest is 16000 px a side"),
    ({"date": dt.date(2026, 1, 1)}, "give qualification=... too"),
])
def test_bad_requests_are_usage_errors(kwargs: dict[str, object], message: str) -> None:
    request: dict[str, object] = {"variant": "colour", "format": "png", "width": "300px", **kwargs}
    with pytest.raises(UsageError, match=re.escape(message)):
        generate(**request)  # type: ignore[arg-type]


def test_jpeg_is_also_spelt_jpeg() -> None:
    assert generate("colour", "JPEG", "300px").format == "jpg"


def test_a_huge_print_width_is_refused() -> None:
    with pytest.raises(UsageError, match="the largest is 5000 mm"):
        generate("colour", "pdf", "9000mm")


def test_qualification_is_normalised_into_the_metadata() -> None:
    asset = generate("colour", "svg", "300px", qualification="99910019")
    assert asset.metadata["qualification"] == ENTITLED
    assert "qualification_date" not in asset.metadata  # only an explicit --date is stamped


def test_a_qualification_that_is_not_entitled_is_refused() -> None:
    with pytest.raises(NotEntitledError, match=r"refused: 999/2005/0: NOT ENTITLED on 2026-01-01.*withdrawn"):
        generate("colour", "png", "300px", qualification=WITHDRAWN, date=dt.date(2026, 1, 1))


def test_entitlement_is_checked_on_the_date_given() -> None:
    asset = generate("colour", "png", "300px", qualification=WITHDRAWN, date=dt.date(2025, 1, 1))
    assert asset.metadata["qualification_date"] == "2025-01-01"


def test_an_unlisted_qualification_is_refused() -> None:
    with pytest.raises(NotEntitledError, match="not-on-register"):
        generate("colour", "png", "300px", qualification="999/9999/7")


def test_a_register_file_can_be_given(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text(
        "qualification_id,title,awarding_body,level,route,standards,cycle,approval_date,first_teaching_date,"
        "withdrawal_date,withdrawal_reason\n"
        "603/7595/4,Test HTQ,Test Body,4,Digital,ST0119,1,2022-01-17,2022-09-01,,\n", encoding="utf-8")
    asset = generate("colour", "png", "300px", qualification="603/7595/4", register=register)
    assert asset.metadata["qualification"] == "603/7595/4"
    with pytest.raises(NotEntitledError, match="not-on-register"):
        generate("colour", "png", "300px", qualification=ENTITLED, register=register)


def test_write_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    asset = generate("colour", "png", "300px")
    target = tmp_path / "mark.png"
    target.write_bytes(b"mine")
    with pytest.raises(OutputExistsError, match="mark.png: the file already exists"):
        asset.write(target)
    assert target.read_bytes() == b"mine"
    asset.write(target, force=True)
    assert target.read_bytes() == asset.data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mark.png"]  # no temporary file left


@pytest.mark.parametrize("which", ["spec", "artwork", "register"])
def test_write_never_replaces_a_file_the_asset_was_made_from(kit_copy: Path, tmp_path: Path, which: str) -> None:
    """Before, only the command line refused: in Python, write(..., force=True) replaced the kit's own files."""
    register = tmp_path / "register.csv"
    register.write_bytes(export_register(default_register(), "csv"))
    asset = generate("colour", "svg", "300px", kit=kit_copy, register=str(register))
    target = {"spec": kit_copy / "guidelines" / "spec.toml", "artwork": kit_copy / "assets" / "htq-mark-colour.svg",
              "register": register}[which]
    before = target.read_bytes()
    with pytest.raises(UsageError, match=f"{target.name} is a file this reads from"):
        asset.write(target, force=True)
    assert target.read_bytes() == before
    assert asset.write(tmp_path / "mark.svg").read_bytes() == asset.data


def test_a_loaded_registers_files_are_guarded_and_the_guard_is_not_part_of_equality(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_bytes(export_register(default_register(), "csv"))
    asset = generate("colour", "svg", "300px", register=load_register(register))
    assert str(register) in asset.read_from
    with pytest.raises(UsageError, match="register.csv is a file this reads from"):
        asset.write(register, force=True)
    assert asset == dataclasses.replace(asset, read_from=())


def test_to_dict_reports_sizes_and_checksum() -> None:
    asset = generate("colour", "png", "300px")
    report = asset.to_dict()
    assert report["canvas_width_px"] == 348 and report["format"] == "png"
    assert report["sha256"] == asset.sha256 and report["bytes"] == len(asset.data)
    assert "data" not in report
    assert struct.unpack(">II", asset.data[16:24]) == (348, 142)
    assert "348 x 142 px" in asset.describe()


def test_an_asset_writes_to_a_binary_file_object_and_checks_a_path_suffix(tmp_path: Path) -> None:
    asset = generate(variant="colour", format="svg", width="300px")
    buffer = io.BytesIO()
    assert asset.write(buffer) is None
    assert buffer.getvalue() == asset.data
    with pytest.raises(UsageError, match="the suffix .png is for png files"):
        asset.write(tmp_path / "mark.png")
    assert asset.write(tmp_path / "mark.svg").read_bytes() == asset.data
