#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/ (committed; rerun to regenerate)."""
import io
import os
import struct
import zipfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")


def write(kind, name, data):
    os.makedirs(os.path.join(ROOT, kind), exist_ok=True)
    with open(os.path.join(ROOT, kind, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def png(w, h):
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_of(entries, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, data in entries:
            # A fixed date keeps the seeds byte-identical from run to run.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return buffer.getvalue()


valid = zip_of([("a_main.png", png(8, 6)), ("a_description.pdf", PDF)])
write("zip", "valid.zip", valid)
write("zip", "stored.zip", zip_of([("x_main.png", png(4, 4)), ("x_description.pdf", PDF)], zipfile.ZIP_STORED))
write("zip", "drift.zip", zip_of([("Work/24_main .png", png(3, 3)), ("Work/GoGo Musebots.pdf", PDF), ("__MACOSX/._x", b"j")]))
write("zip", "svg.zip", zip_of([("a_main.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"), ("a_description.pdf", PDF)]))
write("zip", "nested.zip", zip_of([("a_main.png", png(2, 2)), ("inner.zip", valid), ("a_description.pdf", PDF)]))
write("zip", "names.zip", zip_of([("../evil.txt", b"x"), ("dir/\u202egnp.txt", b"y"), ("CAF\u00c9.txt", b"1"), ("cafe\u0301.txt", b"2")]))
write("zip", "junk-prefix.zip", b"MZ\x90\x00" + valid)
write("zip", "no-central-directory.zip", valid[: valid.rfind(b"PK\x01\x02")])
write("zip", "truncated.zip", valid[: len(valid) // 2])
encrypted = bytearray(valid)
encrypted[6] |= 1
write("zip", "encrypted-flag.zip", bytes(encrypted))
write("zip", "empty.zip", b"PK\x05\x06" + b"\x00" * 18)

write("csv", "portal.csv", "Submission ID,Title,Authors,Email,Rights,AI use\r\n24,\"Rain, again\",Ann,a@x.org,Yes,None\r\n")
write("csv", "google.csv", "\ufeffTimestamp,Has this work previously appeared elsewhere (including online)?,If so, where?,How was AI used?\n1,\"Yes, at \"\"ISEA\"\"\",ISEA,\"multi\nline\"\n")
write("csv", "broken.csv", "id,title\n1,\"never closed\n")
# Encodings: UTF-16 with its byte-order mark is read; without it, its NULs are refused, as are
# invalid UTF-8 (a Latin-1 export, an overlong form), a NUL inside a field and a lone stray byte.
write("csv", "utf16le-bom.csv", "\ufeffid,title,artists\r\n7,Caf\u00e9 \U0001F3A8,Ann\r\n".encode("utf-16-le"))
write("csv", "utf16be-bom.csv", "\ufeffid,title\r\n7,Rain\r\n".encode("utf-16-be"))
write("csv", "utf16-no-bom.csv", "id,title\r\n7,Rain\r\n".encode("utf-16-le"))
write("csv", "utf16-odd-length.csv", "\ufeffid,title\r\n".encode("utf-16-le") + b"7")
write("csv", "latin1.csv", b"id,title\n7,Caf\xe9\n")
write("csv", "overlong.csv", b"id,title\n7,\xc0\xaf\n")
write("csv", "nul-in-field.csv", b"id,title\n7,Ra\x00in\n")
write("csv", "stray-byte.csv", b"\x81")
write("csv", "junk-byte.csv", b"x")
write("csv", "header-only.csv", "id,title,artists\r\n")
write("csv", "utf8-bom.csv", b"\xef\xbb\xbfid,title\n7,Rain\n")

code = "0" * 64
write("sheet", "sheet.csv", f"juror,code,submission,title,medium,merit (1-10),relevance (1-10),comment\r\nann,{code},1,One,,7,8,fine\r\nann,{code},2,Two,,,,\r\n")
write("sheet", "sheet.html", '<!DOCTYPE html><script type="application/json" id="salon-sheet-data">{"format":"salon-sheet","version":1,"exhibition":"fuzz-2026","exhibitionTitle":"F","juror":"ann","jurorName":"Ann","code":"' + code + '","criteria":[],"works":[{"id":"1","title":"One","scores":{"merit":7,"relevance":"8"},"comment":"x"}]}</script>')

# The default theme's Templates/ is a seed corpus too; `make fuzz` passes it as it is.
write("template", "sections.html", "{{#items}}<li>{{name}}</li>{{/items}}{{^none}}none{{/none}}{{#work}}{{title}}{{/work}}{{{markup}}}{{> self}}")

# Hostile numbers that once trapped ingest (issue 10): each is a seed of the fuzzer that reaches it.
def png_header(w, h):
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))


def tiff_header(w, h, little=True):
    e = "<" if little else ">"
    order = b"II" if little else b"MM"
    entries = struct.pack(e + "HHII", 256, 4, 1, w) + struct.pack(e + "HHII", 257, 4, 1, h)
    return order + struct.pack(e + "HI", 42, 8) + struct.pack(e + "H", 2) + entries + b"\x00\x00\x00\x00"


def box(kind, body, large=False):
    if large:
        return struct.pack(">I", 1) + kind + struct.pack(">Q", 16 + len(body)) + body
    return struct.pack(">I", 8 + len(body)) + kind + body


def zip64_overflow(entries):
    """A zip whose ZIP64 end record declares a table of contents size and offset that overflow."""
    whole = zip_of(entries, zipfile.ZIP_STORED)
    body = whole[: whole.rfind(b"PK\x05\x06")]
    huge = 0x7FFFFFF000000000
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 2, 2, huge, huge)
    locator = struct.pack("<IIQI", 0x07064B50, 0, len(body), 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + record + locator + end


MAX = 0xFFFFFFFF
write("zip", "huge-png.zip", zip_of([("a_main.png", png_header(MAX, MAX)), ("a_description.pdf", PDF)]))
write("zip", "huge-tiff.zip", zip_of([("a_main.tif", tiff_header(MAX, MAX)), ("a_description.pdf", PDF)]))
write("zip", "supplementary-overflow.zip", zip_of([
    ("x_main.png", png(2, 2)), ("x_description.pdf", PDF), ("x_supplementary_9223372036854775807.png", png(2, 2)),
    ("x_supplementary_99999999999999999999.png", png(2, 2)), ("x_supplementary.png", png(2, 2))]))
write("zip", "zip64-overflow.zip", zip64_overflow([("a_main.png", png(2, 2)), ("a_description.pdf", PDF)]))

write("media", "png.png", png(3, 2))
write("media", "png-huge.png", png_header(MAX, MAX))
write("media", "tiff-huge-le.tif", tiff_header(MAX, MAX))
write("media", "tiff-huge-be.tif", tiff_header(MAX, MAX, little=False))
write("media", "jpeg.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
write("media", "gif.gif", b"GIF89a\xff\xff\xff\xff\x00\x00\x00;")
write("media", "bmp.bmp", b"BM" + b"\x00" * 12 + struct.pack("<IiiHH", 40, -1, -2147483648, 1, 24) + b"\x00" * 24)
write("media", "webp.webp", b"RIFF\x1e\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff")
write("media", "wav.wav", b"RIFF\xff\xff\xff\xffWAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 1, 1, 2, 16) + b"data" + struct.pack("<I", MAX))
write("media", "flac.flac", b"fLaC\x00\x00\x00\x22" + b"\x00" * 10 + b"\x00\x00\x1f\xff\xff\xff\xff\xff" + b"\x00" * 16)
mvhd = box(b"mvhd", b"\x01\x00\x00\x00" + b"\x00" * 16 + struct.pack(">IQ", 1, 0x7FFFFFFE00000000) + b"\x00" * 80)
write("media", "mp4-huge-duration.mp4", box(b"ftyp", b"isom\x00\x00\x02\x00") + box(b"moov", mvhd))
write("media", "mp4-box64-overflow.mp4", box(b"ftyp", b"isom\x00\x00\x02\x00") + struct.pack(">I", 1) + b"moov" + struct.pack(">Q", 0x7FFFFFFE00000000) + mvhd)
write("media", "pdf.pdf", PDF)
write("media", "names.txt", "x_supplementary_9223372036854775807.png\nx_supplementary.png\nsupplementary_99999999999999999999_x.png\nx_supp_18446744073709551616.png\n")
