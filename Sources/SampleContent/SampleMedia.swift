import Foundation

/// Small but real media files made in code, for the demo, the benchmarks and the tests: every
/// one opens in ordinary viewers and players.
package enum SampleMedia {
  // MARK: PNG

  /// An RGB PNG with a diagonal gradient seeded by `seed`, compressed with stored deflate blocks.
  package static func png(width: Int, height: Int, seed: Int = 0) -> [UInt8] {
    var raw: [UInt8] = []
    raw.reserveCapacity((width * 3 + 1) * height)
    for y in 0..<height {
      raw.append(0)
      for x in 0..<width {
        raw.append(UInt8(truncatingIfNeeded: x * 255 / max(1, width - 1) + seed * 37))
        raw.append(UInt8(truncatingIfNeeded: y * 255 / max(1, height - 1) + seed * 11))
        raw.append(UInt8(truncatingIfNeeded: (x + y) * 127 / max(1, width + height - 2) + seed * 71))
      }
    }
    var header: [UInt8] = []
    header += bigEndian32(width) + bigEndian32(height)
    header += [8, 2, 0, 0, 0]  // 8-bit RGB, no interlace
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    png += chunk("IHDR", header)
    png += chunk("IDAT", zlibStored(raw))
    png += chunk("IEND", [])
    return png
  }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return bigEndian32(data.count) + typeBytes + data + bigEndian32(Int(crc32(typeBytes + data)))
  }

  /// A zlib stream of stored (uncompressed) deflate blocks: valid everywhere, trivial to make.
  package static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
      let length = min(65_535, data.count - offset)
      let final: UInt8 = offset + length >= data.count ? 1 : 0
      out.append(final)
      out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
      out += data[offset..<offset + length]
      offset += length
    } while offset < data.count
    return out + bigEndian32(Int(adler32(data)))
  }

  // MARK: PDF

  /// A PDF with `pages` pages of text. With `objectStreams`, the page tree sits in a compressed
  /// object stream, as pdfTeX and modern Word write it. With `author`, the document carries it
  /// in its information dictionary (/Author) and in an XMP metadata stream, as word processors do.
  package static func pdf(pages: Int, title: String = "Description", objectStreams: Bool = false, author: String? = nil)
    -> [UInt8]
  {
    var objects: [String] = []
    let pageIDs = (0..<pages).map { 4 + $0 * 2 }
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    objects.append("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages) >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for page in 0..<pages {
      let text = "BT /F1 18 Tf 72 720 Td (\(escapePDF(title)) - page \(page + 1) of \(pages)) Tj ET"
      objects.append(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents \(pageIDs[page] + 1) 0 R >>"
      )
      objects.append("<< /Length \(text.utf8.count) >>\nstream\n\(text)\nendstream")
    }
    var info = ""
    if let author, !objectStreams {
      let xmp = """
        <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>\(author)</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>
        """
      objects.append("<< /Type /Metadata /Subtype /XML /Length \(xmp.utf8.count) >>\nstream\n\(xmp)\nendstream")
      objects[0] = "<< /Type /Catalog /Pages 2 0 R /Metadata \(objects.count) 0 R >>"
      objects.append("<< /Author (\(escapePDF(author))) /Title (\(escapePDF(title))) >>")
      info = " /Info \(objects.count) 0 R"
    }
    var out = Array("%PDF-1.5\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    var offsets: [Int] = []
    if objectStreams {
      // Objects 1 and 2 (catalog and page tree) go into a compressed object stream, object N+1.
      let packed = [1, 2]
      var body = ""
      var index = ""
      for id in packed {
        index += "\(id) \(body.utf8.count) "
        body += objects[id - 1] + "\n"
      }
      let content = Array((index + "\n" + body).utf8)
      let compressed = zlibStored(content)
      let streamID = objects.count + 1
      for (position, object) in objects.enumerated() where !packed.contains(position + 1) {
        offsets.append(out.count)
        out += Array("\(position + 1) 0 obj\n\(object)\nendobj\n".utf8)
      }
      let streamOffset = out.count
      out += Array(
        "\(streamID) 0 obj\n<< /Type /ObjStm /N \(packed.count) /First \(index.utf8.count + 1) /Filter /FlateDecode /Length \(compressed.count) >>\nstream\n"
          .utf8)
      out += compressed
      out += Array("\nendstream\nendobj\n".utf8)
      // A cross-reference stream (uncompressed, 1 + 4 + 2 bytes an entry), as PDF 1.5 requires
      // when objects live in an object stream.
      let xrefID = streamID + 1
      let xrefOffset = out.count
      func entry(_ type: Int, _ field: Int, _ generation: Int) -> [UInt8] {
        [UInt8(type)] + bigEndian32(field) + [UInt8(generation >> 8 & 0xFF), UInt8(generation & 0xFF)]
      }
      var table = entry(0, 0, 65535)
      var written = offsets.makeIterator()
      for id in 1..<streamID {
        if let slot = packed.firstIndex(of: id) {
          table += entry(2, streamID, slot)
        } else {
          table += entry(1, written.next() ?? 0, 0)
        }
      }
      table += entry(1, streamOffset, 0) + entry(1, xrefOffset, 0)
      out += Array(
        "\(xrefID) 0 obj\n<< /Type /XRef /Size \(xrefID + 1) /W [1 4 2] /Root 1 0 R /Length \(table.count) >>\nstream\n"
          .utf8)
      out += table
      out += Array("\nendstream\nendobj\nstartxref\n\(xrefOffset)\n%%EOF\n".utf8)
      return out
    }
    for (position, object) in objects.enumerated() {
      offsets.append(out.count)
      out += Array("\(position + 1) 0 obj\n\(object)\nendobj\n".utf8)
    }
    let xref = out.count
    var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
    table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R\(info) >>\nstartxref\n\(xref)\n%%EOF\n"
    return out + Array(table.utf8)
  }

  static func escapePDF(_ text: String) -> String {
    String(text.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.map(Character.init))
      .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
      .replacingOccurrences(of: ")", with: "\\)")
  }

  // MARK: Audio and video

  /// A mono 16-bit PCM WAV of a sine tone.
  package static func wav(seconds: Double, sampleRate: Int = 8000, frequency: Double = 440) -> [UInt8] {
    let samples = Int(seconds * Double(sampleRate))
    var data: [UInt8] = []
    data.reserveCapacity(samples * 2)
    for n in 0..<samples {
      let value = Int16(sin(2 * Double.pi * frequency * Double(n) / Double(sampleRate)) * 12_000)
      data += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
    }
    var out = Array("RIFF".utf8) + littleEndian32(36 + data.count) + Array("WAVEfmt ".utf8)
    out +=
      littleEndian32(16) + [1, 0, 1, 0] + littleEndian32(sampleRate) + littleEndian32(sampleRate * 2) + [2, 0, 16, 0]
    return out + Array("data".utf8) + littleEndian32(data.count) + data
  }

  /// An MP4 container whose header declares `seconds` and a frame size; `payloadBytes` of
  /// pseudo-random media data follow. Enough for ingest's checks, not a playable film.
  package static func mp4(seconds: Double, width: Int = 640, height: Int = 360, payloadBytes: Int = 1024) -> [UInt8] {
    let timescale = 1000
    var mvhd = [UInt8](repeating: 0, count: 100)
    put32(&mvhd, 12, timescale)
    put32(&mvhd, 16, Int(seconds * Double(timescale)))
    put32(&mvhd, 20, 0x0001_0000)  // rate 1.0
    var tkhd = [UInt8](repeating: 0, count: 84)
    tkhd[3] = 3  // enabled, in movie
    put32(&tkhd, 12, 1)
    put32(&tkhd, 20, Int(seconds * Double(timescale)))
    put32(&tkhd, 76, width << 16)
    put32(&tkhd, 80, height << 16)
    let moov = box("moov", box("mvhd", mvhd) + box("trak", box("tkhd", tkhd)))
    let ftyp = box("ftyp", Array("isom".utf8) + bigEndian32(512) + Array("isomiso2mp41".utf8))
    return ftyp + moov + box("mdat", pseudoRandomBytes(payloadBytes, seed: Int(seconds * 1000)))
  }

  static func box(_ type: String, _ body: [UInt8]) -> [UInt8] {
    bigEndian32(body.count + 8) + Array(type.utf8) + body
  }

  static func put32(_ bytes: inout [UInt8], _ at: Int, _ value: Int) {
    let b = bigEndian32(value)
    for i in 0..<4 { bytes[at + i] = b[i] }
  }

  /// Deterministic incompressible bytes (xorshift), for payloads and benchmarks.
  package static func pseudoRandomBytes(_ count: Int, seed: Int) -> [UInt8] {
    var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    var out = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      var word = state
      for _ in 0..<8 where index < count {
        out[index] = UInt8(truncatingIfNeeded: word)
        word >>= 8
        index += 1
      }
    }
    return out
  }

  // MARK: Checksums and integers

  static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  package static func crc32(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }

  static func adler32(_ data: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return b << 16 | a
  }

  package static func bigEndian32(_ v: Int) -> [UInt8] {
    [
      UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8),
      UInt8(truncatingIfNeeded: v),
    ]
  }

  package static func littleEndian32(_ v: Int) -> [UInt8] { bigEndian32(v).reversed() }
}

extension SampleMedia {
  /// Inserts an EXIF block with a GPS position (latitude reference "N") after a JPEG's start
  /// marker, as phones write them: the metadata the gallery must strip.
  package static func withGPSMetadata(_ jpeg: [UInt8]) -> [UInt8] {
    var tiff: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8]
    tiff += [0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]
    tiff += [0, 1, 0, 1, 0, 2, 0, 0, 0, 2, 0x4E, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    let exif = Array("Exif".utf8) + [0, 0] + tiff
    let segment: [UInt8] = [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
    var out = jpeg
    out.insert(contentsOf: segment, at: min(2, out.count))
    return out
  }

  /// A short poem, for the demo's text piece.
  package static let poem = """
    Seven Small Hours

    At one, the kettle learns my name.
    At two, the window keeps the rain.
    At three, a model dreams in grey
    of seas it never saw by day.
    At four, the cursor blinks, then stays.
    At five, the birds rehearse their praise.
    At six, I sign what we have made
    and let the morning grade the shade.
    """
}
