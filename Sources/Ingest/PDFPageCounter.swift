/// Counts a PDF's pages from its page tree without rendering it: the largest `/Count` of a
/// `/Type /Pages` node is the root's. Object streams (PDF 1.5+, as pdfTeX and Word write) are
/// inflated to find nodes hidden there. Falls back to counting `/Type /Page` leaves.
enum PDFPageCounter {
  /// Larger PDFs are not read whole (peak memory stays bounded); their count is reported unknown.
  static let maximumBytes = 32 * 1024 * 1024

  static func pageCount(of file: RandomAccessFile, cancellation: Cancellation) throws -> Int? {
    guard file.size <= maximumBytes else { return nil }
    return try pageCount(in: file.read(at: 0, count: file.size), cancellation: cancellation)
  }

  static func pageCount(in pdf: [UInt8], cancellation: Cancellation = .never) throws -> Int? {
    var tally = Tally()
    try tally.scan(pdf, cancellation: cancellation)
    for stream in try objectStreams(in: pdf, cancellation: cancellation) {
      let inflated: [UInt8]
      do {
        inflated = try Inflater.inflateZlib(stream, limit: 16 * 1024 * 1024, cancellation: cancellation)
      } catch is Inflater.Failure {
        continue
      }
      try tally.scan(inflated, cancellation: cancellation)
    }
    if let root = tally.largestPagesCount { return root }
    return tally.leaves > 0 ? tally.leaves : nil
  }

  private struct Tally {
    var largestPagesCount: Int?
    var leaves = 0

    mutating func scan(_ bytes: [UInt8], cancellation: Cancellation) throws {
      let type = Array("/Type".utf8)
      var index = 0
      while let found = findBytes(type, in: bytes, from: index) {
        try cancellation.check()
        index = found + type.count
        var cursor = skipSpace(bytes, index)
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "/") else { continue }
        cursor += 1
        let nameStart = cursor
        while cursor < bytes.count, isRegular(bytes[cursor]) { cursor += 1 }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
        if name == "Page" {
          leaves += 1
        } else if name == "Pages", let count = countNear(bytes, around: found) {
          largestPagesCount = max(largestPagesCount ?? 0, count)
        }
      }
    }

    /// The `/Count N` of the dictionary holding the `/Type` at `position`.
    func countNear(_ bytes: [UInt8], around position: Int) -> Int? {
      let start = lastIndex(of: Array("<<".utf8), in: bytes, before: position) ?? max(0, position - 4096)
      let end = min(bytes.count, position + 4096)
      let window = Array(bytes[start..<end])
      guard let found = findBytes(Array("/Count".utf8), in: window) else { return nil }
      var cursor = skipSpace(window, found + 6)
      var value = 0
      var digits = 0
      while cursor < window.count, (48...57).contains(window[cursor]), digits < 9 {
        value = value * 10 + Int(window[cursor] - 48)
        cursor += 1
        digits += 1
      }
      return digits > 0 ? value : nil
    }
  }

  /// The raw contents of every `/Type /ObjStm` stream with `/FlateDecode`.
  static func objectStreams(in pdf: [UInt8], cancellation: Cancellation) throws -> [[UInt8]] {
    var streams: [[UInt8]] = []
    let marker = Array("/ObjStm".utf8)
    let streamKeyword = Array("stream".utf8)
    var index = 0
    while let found = findBytes(marker, in: pdf, from: index), streams.count < 10_000 {
      try cancellation.check()
      index = found + marker.count
      guard var start = findBytes(streamKeyword, in: pdf, from: index), start - found < 4096 else { continue }
      let dictionary = String(decoding: pdf[found..<start], as: UTF8.self)
      guard dictionary.contains("/FlateDecode") else { continue }
      start += streamKeyword.count
      if start < pdf.count, pdf[start] == 0x0D { start += 1 }
      if start < pdf.count, pdf[start] == 0x0A { start += 1 }
      let end = findBytes(Array("endstream".utf8), in: pdf, from: start) ?? pdf.count
      streams.append(Array(pdf[start..<end]))
      index = end
    }
    return streams
  }

  static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
    var cursor = start
    while cursor < bytes.count, [0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00].contains(bytes[cursor]) { cursor += 1 }
    return cursor
  }

  static func isRegular(_ byte: UInt8) -> Bool {
    !([0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00] + Array("()<>[]{}/%".utf8)).contains(byte)
  }

  static func lastIndex(of needle: [UInt8], in bytes: [UInt8], before position: Int) -> Int? {
    var index = min(position, bytes.count) - needle.count
    let floor = max(0, position - 4096)
    while index >= floor {
      if Array(bytes[index..<index + needle.count]) == needle { return index }
      index -= 1
    }
    return nil
  }
}
