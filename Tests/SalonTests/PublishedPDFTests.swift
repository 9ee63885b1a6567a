import Foundation
import SampleContent
import Testing

/// PDFs as a hostile artist sends them, written here byte by byte: one carrying every kind of
/// active content and private metadata, one whose page asks for millions of fills.
enum HostilePDF {
  static let payload = "PAYLOAD-ATTACHED-7f3a9c"
  static let emails = [
    "info-author@private.example", "annot-author@private.example", "xmp-author@private.example",
    "page-xmp@private.example",
  ]

  static func xmp(_ email: String) -> String {
    """
    <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF \
    xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" \
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">\
    <dc:creator>\(email)</dc:creator><exif:GPSLatitude>48,51.5N</exif:GPSLatitude>\
    <exif:GPSLongitude>2,17.4E</exif:GPSLongitude></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
    """
  }

  /// Two pages of 300 × 200 pt. The document opens with JavaScript, names a script and an
  /// attachment, has an outline and XMP; page 1 has a JavaScript link, a /Launch link and a
  /// comment signed with an email, and XMP of its own with GPS; page 2 launches a program when
  /// opened; /Info names the author.
  static var active: [UInt8] {
    func stream(_ dictionary: String, _ body: String) -> [UInt8] {
      Array("<< \(dictionary) /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream".utf8)
    }
    let objects: [Int: [UInt8]] = [
      1: Array(
        ("<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /Outlines 9 0 R /Metadata 10 0 R "
          + "/Names << /JavaScript << /Names [(init) 5 0 R] >> /EmbeddedFiles << /Names [(notes.txt) 7 0 R] >> >> >>")
          .utf8),
      2: Array("<< /Type /Pages /Kids [3 0 R 11 0 R] /Count 2 >>".utf8),
      3: Array(
        ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 12 0 R >> >> "
          + "/Contents 4 0 R /Annots [6 0 R 13 0 R 14 0 R] /Metadata 15 0 R >>").utf8),
      4: stream("", "0 0 1 rg 20 20 100 40 re f BT /F1 24 Tf 30 120 Td (Hello, visitor) Tj ET"),
      5: Array("<< /Type /Action /S /JavaScript /JS (app.alert\\('opened'\\);) >>".utf8),
      6: Array(
        ("<< /Type /Annot /Subtype /Link /Rect [20 20 120 60] /Border [0 0 0] "
          + "/A << /S /JavaScript /JS (this.exportDataObject\\({cName: 'notes.txt', nLaunch: 2}\\);) >> >>").utf8),
      7: Array("<< /Type /Filespec /F (notes.txt) /UF (notes.txt) /EF << /F 8 0 R >> >>".utf8),
      8: stream("/Type /EmbeddedFile", payload),
      9: Array("<< /Type /Outlines /First 16 0 R /Last 16 0 R /Count 1 >>".utf8),
      10: stream("/Type /Metadata /Subtype /XML", xmp(emails[2])),
      11: Array(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 17 0 R /AA << /O << /S /Launch /F (calc.exe) >> >> >>"
          .utf8),
      12: Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".utf8),
      13: Array(
        "<< /Type /Annot /Subtype /Link /Rect [150 20 250 60] /A << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >> >>"
          .utf8),
      14: Array(
        "<< /Type /Annot /Subtype /Text /Rect [250 150 270 170] /T (\(emails[1])) /Contents (A note) /Open true >>"
          .utf8),
      15: stream("/Type /Metadata /Subtype /XML", xmp(emails[3])),
      16: Array("<< /Title (Secret chapter) /Parent 9 0 R /Dest [3 0 R /Fit] >>".utf8),
      17: stream("", "0 0.6 0 rg 50 50 200 100 re f"),
      18: Array("<< /Author (\(emails[0])) /Title (Active) >>".utf8),
    ]
    return document(objects, trailer: "/Root 1 0 R /Info 18 0 R")
  }

  /// One page of 600 × 600 pt whose content stream fills the page `fills` times: 51 MB of
  /// drawing in a FlateDecode stream of a few hundred KB. Poppler would spend hours on it.
  static func renderBomb(fills: Int = 3_000_025) -> [UInt8] {
    let fill = Array("0 0 600 600 re f\n".utf8)
    let content = zlibRepeating(fill, times: fills)
    var contentObject = Array("<< /Filter /FlateDecode /Length \(content.count) >>\nstream\n".utf8)
    contentObject += content + Array("\nendstream".utf8)
    return document(
      [
        1: Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
        2: Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
        3: Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 600] /Contents 4 0 R >>".utf8),
        4: contentObject,
      ], trailer: "/Root 1 0 R")
  }

  /// `pattern` repeated `times` times, as a zlib stream of one fixed-Huffman deflate block: the
  /// pattern once as literals, then matches of 258 bytes at its own distance. `times - 1` must
  /// be a multiple of 258 so the matches end exactly at the end.
  static func zlibRepeating(_ pattern: [UInt8], times: Int) -> [UInt8] {
    let total = pattern.count * times
    precondition(pattern.count >= 17 && pattern.count <= 24, "the distance code below is 8 (17 to 24)")
    precondition((total - pattern.count) % 258 == 0, "the matches must end at the end")
    var out: [UInt8] = [0x78, 0x01]
    var bits: UInt64 = 0
    var count = 0
    func put(_ value: Int, _ length: Int) {  // least significant bit first
      bits |= UInt64(value) << UInt64(count)
      count += length
      while count >= 8 {
        out.append(UInt8(bits & 0xFF))
        bits >>= 8
        count -= 8
      }
    }
    func code(_ value: Int, _ length: Int) {  // Huffman codes go most significant bit first
      var reversed = 0
      for i in 0..<length where value & (1 << i) != 0 { reversed |= 1 << (length - 1 - i) }
      put(reversed, length)
    }
    put(1, 1)  // the final block
    put(1, 2)  // fixed Huffman codes
    for byte in pattern {
      if byte < 144 { code(0x30 + Int(byte), 8) } else { code(0x190 + Int(byte) - 144, 9) }
    }
    for _ in 0..<(total - pattern.count) / 258 {
      code(0xC0 + 5, 8)  // length code 285: 258 bytes
      code(8, 5)  // distance code 8: 17 + extra
      put(pattern.count - 17, 3)
    }
    code(0, 7)  // end of block
    if count > 0 { put(0, 8 - count) }
    // Adler-32 of the whole, one repetition at a time.
    var a = 1
    var b = 0
    let sum = pattern.reduce(0) { $0 + Int($1) }
    let weighted = pattern.enumerated().reduce(0) { $0 + (pattern.count - $1.offset) * Int($1.element) }
    for _ in 0..<times {
      b = (b + pattern.count * a + weighted) % 65521
      a = (a + sum) % 65521
    }
    return out + SampleMedia.bigEndian32(b << 16 | a)
  }

  static func document(_ objects: [Int: [UInt8]], trailer: String) -> [UInt8] {
    var pdf = Array("%PDF-1.7\n".utf8)
    var offsets: [Int: Int] = [:]
    for key in objects.keys.sorted() {
      offsets[key] = pdf.count
      pdf += Array("\(key) 0 obj\n".utf8) + objects[key]! + Array("\nendobj\n".utf8)
    }
    let xref = pdf.count
    let size = objects.keys.max()! + 1
    var tail = "xref\n0 \(size)\n"
    for key in 0..<size {
      tail += offsets[key].map { String(format: "%010d 00000 n \n", $0) } ?? "0000000000 65535 f \n"
    }
    tail += "trailer\n<< /Size \(size) \(trailer) >>\nstartxref\n\(xref)\n%%EOF\n"
    return pdf + Array(tail.utf8)
  }
}

/// One call, exported once for this suite: the active PDF (work 1), the render bomb (work 2)
/// and a plain picture (work 3).
struct PDFGallery {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var site: String { scratch.path("site") }
  var report: [String: Any] = [:]
  var seconds = 0.0

  // Built on first use, once, under the lazy static's own lock; only ever read afterwards.
  nonisolated(unsafe) static let shared: Result<PDFGallery, Error> = Result {
    var g = PDFGallery()
    folder = g.scratch.url
    atexit { try? FileManager.default.removeItem(at: PDFGallery.folder) }
    #expect(try Binary.run(["init", "--title", "PDF Salon", "--year", "2026", "--archive", g.archive]).status == 0)
    let works: [(String, String, [UInt8])] = [
      ("1", "1_main.pdf", HostilePDF.active), ("2", "2_main.pdf", HostilePDF.renderBomb()),
      ("3", "3_main.png", SampleMedia.png(width: 64, height: 48)),
    ]
    var form = "id,title,artists,email,medium,rights,authorship\n"
    for (id, name, bytes) in works {
      g.scratch.zip("in/\(id).zip", [(name, bytes), ("\(id)_description.pdf", SampleMedia.pdf(pages: 1))])
      form += "\(id),Work \(id),Artist \(id),artist\(id)@example.org,Medium,yes,yes\n"
    }
    g.scratch.write("form.csv", form)
    let ingest = try Binary.run([
      "ingest", g.scratch.path("in"), "--form", g.scratch.path("form.csv"), "--archive", g.archive,
    ])
    #expect(ingest.stdout.contains("3 zips: 3 accepted"), "\(ingest.stdout)\(ingest.stderr)")
    for (id, _, _) in works {
      #expect(try Binary.run(["submissions", "decide", id, "selected", "--archive", g.archive]).status == 0)
    }
    let start = Date()
    // Unbounded, the bomb would keep poppler busy for hours; a hang fails the test.
    let run = try Binary.run(["export", "-o", g.site, "--json", "--archive", g.archive], timeout: 600)
    g.seconds = Date().timeIntervalSince(start)
    #expect(run.status == 0, "\(run.stderr)")
    g.report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    return g
  }
  nonisolated(unsafe) private static var folder = URL(fileURLWithPath: "/nonexistent")

  func page(_ id: String) -> String {
    String(
      decoding: FileManager.default.contents(atPath: site + "/pdf-salon-2026/works/\(id).html") ?? Data(), as: UTF8.self
    )
  }

  /// The published PDF of work 1, by the link on its page.
  func publishedPDF() throws -> String {
    let html = page("1")
    let link = try #require(html.range(of: #"media/[0-9a-f/-]+\.pdf"#, options: .regularExpression))
    return site + "/" + html[link]
  }
}

@Suite(.serialized) struct PublishedPDFTests {
  static let forbidden =
    ["JavaScript", "/JS", "/Launch", "EmbeddedFile", HostilePDF.payload, "GPS", "/Annots", "/Metadata", "/Outlines"]
    + HostilePDF.emails + ["private.example", "Secret chapter", "calc.exe", "cmd.exe", "Hello, visitor"]

  /// `pdf` with the bytes of every stream left out, and the streams.
  static func split(_ pdf: Data) -> (outside: Data, streams: [Data]) {
    var outside = Data()
    var streams: [Data] = []
    var cursor = pdf.startIndex
    while let open = pdf.range(of: Data(">>\nstream\n".utf8), in: cursor..<pdf.endIndex),
      let close = pdf.range(of: Data("\nendstream".utf8), in: open.upperBound..<pdf.endIndex)
    {
      outside.append(pdf[cursor..<open.upperBound])
      streams.append(Data(pdf[open.upperBound..<close.lowerBound]))
      cursor = close.lowerBound
    }
    outside.append(pdf[cursor...])
    return (outside, streams)
  }

  @Test func anActivePDFIsPublishedOnlyAsItsRenderedPages() throws {
    let g = try PDFGallery.shared.get()
    let path = try g.publishedPDF()
    let pdf = try Data(contentsOf: URL(fileURLWithPath: path))
    let original = Data(HostilePDF.active)
    for token in Self.forbidden.prefix(9) {
      #expect(original.range(of: Data(token.utf8)) != nil, "the artist's PDF has \(token)")
    }
    // Outside its streams the rebuilt PDF is a catalog, a page tree and pages: no token at all.
    let (outside, streams) = Self.split(pdf)
    for token in Self.forbidden {
      #expect(outside.range(of: Data(token.utf8)) == nil, "\(token) is in the published PDF")
    }
    // Its streams are Salon's own JPEGs of the pages (the largest published) and the two
    // lines that draw them.
    let jpegs = GalleryFixture.files(in: g.site).filter { $0.key.hasSuffix(".jpg") }.values
    #expect(streams.count == 4)
    #expect(streams.filter { $0.first == 0xFF }.count == 2)
    for stream in streams where stream.first == 0xFF { #expect(jpegs.contains(stream)) }
    #expect(streams.filter { $0.starts(with: Data("q ".utf8)) }.count == 2)
    #expect(!outside.contains(UInt8(ascii: "(")), "no string of any kind")

    let run = try Tool.run(["pdfinfo", path])
    #expect(run.status == 0, "\(run.output)")
    let info = run.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for fact in ["Pages: 2", "JavaScript: no", "Metadata Stream: no", "Form: none"] {
      #expect(info.contains(fact), "\(fact): \(info)")
    }
    // The printed size is kept, to the pixel of the render (200 pt at 150 dpi is 417 px).
    let size = try #require(info.firstMatch(of: #/Page size: ([0-9.]+) x ([0-9.]+) pts/#))
    #expect(abs(Double(size.1)! - 300) < 0.5 && abs(Double(size.2)! - 200) < 0.5, "\(info)")
    #expect(!info.contains("Author") && !info.contains("Title") && !info.contains("Creator"))
    let check = try Tool.run(["qpdf", "--check", path])
    #expect(check.status == 0, "\(check.output)")
    let attachments = try Tool.run(["pdfdetach", "-list", path])
    #expect(attachments.output.contains("0 embedded files"), "\(attachments.output)")
    let scratch = Scratch()
    let render = try Tool.run(["pdftoppm", "-png", "-r", "36", path, scratch.path("page")])
    #expect(render.status == 0)
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)) == ["page-1.png", "page-2.png"])
  }

  @Test func noFileInTheSiteCarriesTheActiveContentOrItsMetadata() throws {
    let g = try PDFGallery.shared.get()
    let files = GalleryFixture.files(in: g.site)
    #expect(files.keys.contains { $0.hasSuffix(".pdf") })
    for (name, data) in files {
      let isPicture = name.hasSuffix(".jpg") || name.hasSuffix(".webp")
      let pdf = name.hasSuffix(".pdf") ? Self.split(data).outside : data
      // Compressed pictures may hold any three bytes by chance; they are checked for the
      // longer strings, and their pixels are the renders'.
      // The theme's own prose (gallery.js, the search page) says what needs JavaScript.
      let isTheme = !name.hasPrefix("media/") && !name.contains("/works/")
      for token in Self.forbidden where (!isPicture || token.count > 8) && !(isTheme && token == "JavaScript") {
        #expect(pdf.range(of: Data(token.utf8)) == nil, "\(token) is in \(name)")
      }
    }
  }

  @Test func aRenderBombPageFailsItselfWithinItsBoundAndTheRestIsPublished() throws {
    let g = try PDFGallery.shared.get()
    let failures = g.report["failures"] as! [[String: Any]]
    #expect(failures.map { $0["id"] as? String } == ["2"], "\(failures)")
    #expect(failures.first?["code"] as? String == "media-timed-out")
    #expect(
      failures.first?["message"] as? String
        == "Page 1 of the PDF took longer than its limit of 20 s to render and was stopped; it is probably hostile or far too complex to show."
    )
    // A page's bound is 20 s of processor time or 60 s of clock; the rest of the export is
    // small. (Room for a machine busy with other tests; unbounded, it would be hours.)
    #expect(g.seconds < 240, "\(g.seconds) s")
    #expect(g.page("1").contains(".pdf\""))
    #expect(g.page("3").contains("<picture>"))
    #expect(!GalleryFixture.files(in: g.site).keys.contains { $0.contains(".partial-") })
  }

  @Test func theRenderBombReallyIsOne() throws {
    // Its content stream inflates to millions of fills (checked through poppler's own
    // reading: the page count and size), and the whole file stays small.
    let bomb = HostilePDF.renderBomb()
    #expect(bomb.count < 400_000)
    let scratch = Scratch()
    let path = scratch.write("bomb.pdf", bomb)
    let info = try Tool.run(["pdfinfo", path]).output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(info.contains("Pages: 1") && info.contains("Page size: 600 x 600 pts"), "\(info)")
    let small = HostilePDF.renderBomb(fills: 259)
    let text = try Tool.run(["qpdf", "--qdf", "--object-streams=disable", scratch.write("small.pdf", small), "-"])
    #expect(text.output.components(separatedBy: "0 0 600 600 re f").count - 1 == 259, "the stream inflates exactly")
  }
}
