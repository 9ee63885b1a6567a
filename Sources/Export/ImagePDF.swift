import Basics
import Foundation

/// The downloadable PDF of a PDF work: written here, page by page, around the JPEG pages Salon
/// itself made from poppler's renders, and nothing else. The artist's file is never copied: a
/// rebuilt document can carry no script, action, link, annotation, attachment, outline, form,
/// font or metadata, because this writer has no way to write one.
enum ImagePDF {
  struct Page {
    /// A baseline or progressive JPEG Salon made (libvips), never an artist's file.
    var jpeg: Data
    /// The page's size in PDF points (1/72 in), as the original page measured.
    var width: Double
    var height: Double
  }

  enum Failure: Error { case notAJPEG, unsupportedJPEG }

  /// The picture's size and colour components, from the JPEG's start-of-frame header.
  struct Frame: Equatable {
    var width: Int
    var height: Int
    var components: Int
  }

  /// Reads the first start-of-frame marker, walking the marker segments from the start.
  static func frame(of jpeg: Data) throws -> Frame {
    let bytes = [UInt8](jpeg)
    guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw Failure.notAJPEG }
    var index = 2
    while index + 4 <= bytes.count {
      guard bytes[index] == 0xFF else { throw Failure.notAJPEG }
      let marker = bytes[index + 1]
      // Fill bytes, and markers that stand alone without a length.
      if marker == 0xFF || marker == 0x01 || (0xD0...0xD7).contains(marker) {
        index += marker == 0xFF ? 1 : 2
        continue
      }
      let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      guard length >= 2, index + 2 + length <= bytes.count else { throw Failure.notAJPEG }
      // SOF0–SOF15, leaving out DHT (C4), JPG (C8) and DAC (CC), which share the range.
      if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
        guard length >= 8 else { throw Failure.notAJPEG }
        let start = index + 4
        let frame = Frame(
          width: Int(bytes[start + 3]) << 8 | Int(bytes[start + 4]),
          height: Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]), components: Int(bytes[start + 5]))
        // 8-bit baseline or progressive Huffman (SOF0–SOF2) in grey or RGB is what libvips
        // writes and what every PDF reader's DCTDecode takes.
        guard bytes[start] == 8, marker <= 0xC2, frame.width > 0, frame.height > 0,
          frame.components == 1 || frame.components == 3
        else { throw Failure.unsupportedJPEG }
        return frame
      }
      if marker == 0xDA || marker == 0xD9 { break }
      index += 2 + length
    }
    throw Failure.notAJPEG
  }

  /// The whole document: a catalog, one pages tree, and per page a page object, its image and
  /// the content stream that draws the image over the whole page. No /Info and no /ID: the same
  /// pages give the same bytes.
  static func document(_ pages: [Page]) throws -> Data {
    precondition(!pages.isEmpty, "a PDF has at least one page")
    // The second line's high bytes tell transfer tools the file is binary.
    var pdf = Data("%PDF-1.4\n%".utf8) + Data([0xE2, 0xE3, 0xCF, 0xD3, 0x0A])
    var offsets: [Int] = []
    func object(_ body: Data) {
      offsets.append(pdf.count)
      pdf.append(Data("\(offsets.count) 0 obj\n".utf8))
      pdf.append(body)
      pdf.append(Data("\nendobj\n".utf8))
    }
    func stream(_ dictionary: String, _ bytes: Data) -> Data {
      var body = Data("<< \(dictionary) /Length \(bytes.count) >>\nstream\n".utf8)
      body.append(bytes)
      body.append(Data("\nendstream".utf8))
      return body
    }
    // Objects 1 and 2, then three per page: page n is object 3n+3, its image 3n+4, its content 3n+5.
    let kids = pages.indices.map { "\(3 * $0 + 3) 0 R" }.joined(separator: " ")
    object(Data("<< /Type /Catalog /Pages 2 0 R >>".utf8))
    object(Data("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>".utf8))
    for (index, page) in pages.enumerated() {
      let frame = try Self.frame(of: page.jpeg)
      let width = number(page.width)
      let height = number(page.height)
      object(
        Data(
          ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(width) \(height)] "
            + "/Resources << /XObject << /Page \(3 * index + 4) 0 R >> >> /Contents \(3 * index + 5) 0 R >>").utf8))
      object(
        stream(
          "/Type /XObject /Subtype /Image /Width \(frame.width) /Height \(frame.height) "
            + "/ColorSpace \(frame.components == 1 ? "/DeviceGray" : "/DeviceRGB") /BitsPerComponent 8 "
            + "/Filter /DCTDecode", page.jpeg))
      object(stream("", Data("q \(width) 0 0 \(height) 0 0 cm /Page Do Q".utf8)))
    }
    let table = pdf.count
    var xref = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
    for offset in offsets { xref += String(format: "%010d 00000 n \n", offset) }
    xref += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(table)\n%%EOF\n"
    pdf.append(Data(xref.utf8))
    return pdf
  }

  /// A page side in points, within what PDF readers accept (3 to 14,400), with two decimals.
  static func number(_ points: Double) -> String {
    let clamped = points.isFinite ? min(max(points, 3), 14_400) : 612
    return String(format: "%.2f", clamped)
  }

  /// Writes the document to `path` through a `.partial-` file renamed over it.
  static func write(_ pages: [Page], to path: String) throws {
    try AtomicFile.write(try document(pages), to: URL(fileURLWithPath: path))
  }

  /// The width and height of a PNG (poppler's page render), from its header.
  static func pngSize(_ path: String) -> (width: Int, height: Int)? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let head = [UInt8]((try? handle.read(upToCount: 24)) ?? Data())
    guard head.count == 24, head[12..<16].elementsEqual("IHDR".utf8) else { return nil }
    let width = head[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let height = head[20..<24].reduce(0) { $0 << 8 | Int($1) }
    return width > 0 && height > 0 ? (width, height) : nil
  }
}
