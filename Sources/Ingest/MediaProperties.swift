import Foundation

/// Technical properties read from a file's headers, never by decoding its content.
struct MediaProperties: Equatable {
  var width: Int?
  var height: Int?
  var duration: Double?
  var pages: Int?
}

/// Every number read from a header is the file's own: sums that locate the next box or chunk are
/// checked, so a hostile size ends the walk instead of trapping.
enum MediaInspector {
  static func properties(of file: RandomAccessFile, type: DetectedType, cancellation: Cancellation) throws
    -> MediaProperties
  {
    switch type.mediaType {
    case "image/png": return pngSize(file)
    case "image/jpeg": return try jpegSize(file, cancellation: cancellation)
    case "image/gif": return gifSize(file)
    case "image/webp": return webpSize(file)
    case "image/tiff": return tiffSize(file)
    case "image/bmp": return bmpSize(file)
    case "audio/wav": return try wavDuration(file, cancellation: cancellation)
    case "audio/flac": return flacDuration(file)
    case "video/mp4", "video/quicktime", "audio/mp4": return try isoMediaProperties(file, cancellation: cancellation)
    case "application/pdf":
      return MediaProperties(pages: try PDFPageCounter.pageCount(of: file, cancellation: cancellation))
    default: return MediaProperties()
    }
  }

  static func pngSize(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 24)
    guard head.ascii(12, 4) == "IHDR" else { return MediaProperties() }
    return MediaProperties(width: head.uint32BE(16), height: head.uint32BE(20))
  }

  static func gifSize(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 10)
    return MediaProperties(width: head.uint16LE(6), height: head.uint16LE(8))
  }

  static func bmpSize(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 26)
    guard let width = head.uint32LE(18), let rawHeight = head.uint32LE(22) else { return MediaProperties() }
    // Height is signed: negative means top-down rows.
    let height = rawHeight >= 0x8000_0000 ? 0x1_0000_0000 - rawHeight : rawHeight
    return MediaProperties(width: width, height: height)
  }

  static func webpSize(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 32)
    switch head.ascii(12, 4) {
    case "VP8 ":
      guard let w = head.uint16LE(26), let h = head.uint16LE(28) else { break }
      return MediaProperties(width: w & 0x3FFF, height: h & 0x3FFF)
    case "VP8L":
      guard head.count >= 25, head[20] == 0x2F else { break }
      let bits = Int(head[21]) | Int(head[22]) << 8 | Int(head[23]) << 16 | Int(head[24]) << 24
      return MediaProperties(width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
    case "VP8X":
      guard head.count >= 30 else { break }
      let w = Int(head[24]) | Int(head[25]) << 8 | Int(head[26]) << 16
      let h = Int(head[27]) | Int(head[28]) << 8 | Int(head[29]) << 16
      return MediaProperties(width: w + 1, height: h + 1)
    default: break
    }
    return MediaProperties()
  }

  /// Walks JPEG segments to the first start-of-frame marker, skipping EXIF and other data.
  static func jpegSize(_ file: RandomAccessFile, cancellation: Cancellation) throws -> MediaProperties {
    var offset = 2
    var guardCount = 0
    while offset + 4 <= file.size && guardCount < 10_000 {
      try cancellation.check()
      guardCount += 1
      let marker = file.read(at: offset, count: 10)
      guard marker.count >= 4, marker[0] == 0xFF else { return MediaProperties() }
      let code = marker[1]
      if code == 0xFF {  // fill byte
        offset += 1
        continue
      }
      if code == 0x01 || (0xD0...0xD7).contains(code) {
        offset += 2
        continue
      }
      guard let length = marker.uint16BE(2), length >= 2 else { return MediaProperties() }
      let isStartOfFrame = (0xC0...0xCF).contains(code) && code != 0xC4 && code != 0xC8 && code != 0xCC
      if isStartOfFrame {
        guard let height = marker.uint16BE(5), let width = marker.uint16BE(7) else { return MediaProperties() }
        return MediaProperties(width: width, height: height)
      }
      if code == 0xDA || code == 0xD9 { return MediaProperties() }
      offset += 2 + length
    }
    return MediaProperties()
  }

  static func tiffSize(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 8)
    let little = head.first == 0x49
    func u16(_ b: [UInt8], _ at: Int) -> Int? { little ? b.uint16LE(at) : b.uint16BE(at) }
    func u32(_ b: [UInt8], _ at: Int) -> Int? { little ? b.uint32LE(at) : b.uint32BE(at) }
    guard let ifd = u32(head, 4) else { return MediaProperties() }
    let countBytes = file.read(at: ifd, count: 2)
    guard let entries = u16(countBytes, 0), entries < 4096 else { return MediaProperties() }
    let table = file.read(at: ifd + 2, count: entries * 12)
    var result = MediaProperties()
    for index in 0..<entries {
      let base = index * 12
      guard let tag = u16(table, base), let type = u16(table, base + 2) else { break }
      let value = type == 3 ? u16(table, base + 8) : u32(table, base + 8)
      if tag == 256 { result.width = value }
      if tag == 257 { result.height = value }
    }
    return result
  }

  /// WAV: the data chunk's size over the byte rate from the fmt chunk.
  static func wavDuration(_ file: RandomAccessFile, cancellation: Cancellation) throws -> MediaProperties {
    var offset = 12
    var byteRate: Int?
    var steps = 0
    while offset + 8 <= file.size && steps < 1000 {
      try cancellation.check()
      steps += 1
      let header = file.read(at: offset, count: 8)
      guard let id = header.ascii(0, 4), let size = header.uint32LE(4) else { break }
      if id == "fmt " {
        byteRate = file.read(at: offset + 8, count: 16).uint32LE(8)
      } else if id == "data" {
        guard let byteRate, byteRate > 0 else { break }
        let available = min(size, file.size - offset - 8)
        return MediaProperties(duration: Double(available) / Double(byteRate))
      }
      offset += 8 + size + (size & 1)
    }
    return MediaProperties()
  }

  /// FLAC: total samples over the sample rate, from STREAMINFO.
  static func flacDuration(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 26)
    guard head.count >= 26, head[4] & 0x7F == 0 else { return MediaProperties() }
    let info = Array(head[18..<26])
    let sampleRate = Int(info[0]) << 12 | Int(info[1]) << 4 | Int(info[2]) >> 4
    let totalSamples =
      Int(info[3] & 0x0F) << 32 | Int(info[4]) << 24 | Int(info[5]) << 16 | Int(info[6]) << 8 | Int(info[7])
    guard sampleRate > 0, totalSamples > 0 else { return MediaProperties() }
    return MediaProperties(duration: Double(totalSamples) / Double(sampleRate))
  }

  /// MP4 and QuickTime: duration from `moov/mvhd`, frame size from the first visual `tkhd`.
  static func isoMediaProperties(_ file: RandomAccessFile, cancellation: Cancellation) throws -> MediaProperties {
    var result = MediaProperties()
    func boxes(from start: Int, to end: Int, _ visit: (String, Int, Int) throws -> Bool) throws {
      var offset = start
      var steps = 0
      while offset + 8 <= end && steps < 100_000 {
        try cancellation.check()
        steps += 1
        let header = file.read(at: offset, count: 16)
        guard var size = header.uint32BE(0), let type = header.ascii(4, 4) else { return }
        var headerLength = 8
        if size == 1 {
          guard let large = header.uint64BE(8) else { return }
          size = large
          headerLength = 16
        } else if size == 0 {
          size = end - offset
        }
        // A 64-bit box size may be anything; a box reaching past Int's range is damaged.
        let (boxEnd, overflow) = offset.addingReportingOverflow(size)
        guard size >= headerLength, !overflow, boxEnd <= end else { return }
        if try !visit(type, offset + headerLength, boxEnd) { return }
        offset += size
      }
    }
    try boxes(from: 0, to: file.size) { type, start, end in
      guard type == "moov" else { return true }
      try boxes(from: start, to: end) { type, start, end in
        if type == "mvhd" {
          let body = file.read(at: start, count: 32)
          guard let version = body.first else { return true }
          if version == 1 {
            if let scale = body.uint32BE(20), let duration = body.uint64BE(24), scale > 0 {
              result.duration = Double(duration) / Double(scale)
            }
          } else if let scale = body.uint32BE(12), let duration = body.uint32BE(16), scale > 0 {
            result.duration = Double(duration) / Double(scale)
          }
        } else if type == "trak" && result.width == nil {
          try boxes(from: start, to: end) { type, start, _ in
            guard type == "tkhd" else { return true }
            let body = file.read(at: start, count: 92)
            let base = body.first == 1 ? 88 : 76
            if let w = body.uint32BE(base), let h = body.uint32BE(base + 4), w > 0, h > 0 {
              result.width = w >> 16
              result.height = h >> 16
            }
            return false
          }
        }
        return true
      }
      return false
    }
    return result
  }
}
