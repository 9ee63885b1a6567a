import Basics
import Foundation
import MediaTools

/// Technical properties of a file, as its decoder (or, for a pixel size, its header) says.
struct MediaProperties: Equatable {
  var width: Int?
  var height: Int?
  /// For audio and video: seconds measured from the packets, never the container's header.
  var duration: Double?
  var pages: Int?
  /// The container ffprobe read (its demuxer names), for audio and video.
  var container: String?
  /// The codec of each audio and video stream, in stream order ("h264, aac").
  var codecs: String?
  /// Frames of an animation (a GIF or APNG of more than one frame).
  var frames: Int?
  /// Holds a moving picture: the video limits apply, else the audio limit.
  var isVideo = false
  /// The packets run past the limit: the duration is a lower bound, the read stopped there.
  var durationIsLowerBound = false
  /// What the decoders learnt, recorded for export and the jury room; nil when the check did not
  /// finish cleanly, so they read the file again.
  var facts: RecordedFacts?
}

/// An image's pixel size from its header: a bounded read that stays as a pre-check, so an image
/// declaring more pixels than the call allows (a decompression bomb) is refused before any
/// decoder sees it, and BMP, which libvips has no trusted loader for, has a size at all. Every
/// number read is the file's own: sums that locate the next segment are checked, so a hostile
/// size ends the walk instead of trapping. Everything else comes from real decoders (`MediaCheck`).
enum MediaInspector {
  static func pixelSize(of file: RandomAccessFile, type: DetectedType, cancellation: Cancellation) throws
    -> MediaProperties
  {
    switch type.mediaType {
    case "image/png": return pngSize(file)
    case "image/jpeg": return try jpegSize(file, cancellation: cancellation)
    case "image/gif": return gifSize(file)
    case "image/webp": return webpSize(file)
    case "image/tiff": return tiffSize(file)
    case "image/bmp": return bmpSize(file)
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
}

/// Whether an image may be an animation, from bounded header reads: a GIF may always be one; a
/// PNG is one when an animation control chunk comes before its image data; a WebP's frames are
/// counted from its chunks (ffmpeg cannot read animated WebP, and libvips has decoded it).
enum AnimationHint: Equatable {
  case still
  /// ffprobe counts the frames.
  case probe
  case frames(Int)

  static func of(_ file: RandomAccessFile, type: DetectedType, cancellation: Cancellation) throws -> AnimationHint {
    switch type.mediaType {
    case "image/gif": return .probe
    case "image/png":
      var offset = 8
      for _ in 0..<1000 {
        let chunk = file.read(at: offset, count: 8)
        guard let length = chunk.uint32BE(0), let name = chunk.ascii(4, 4) else { return .still }
        if name == "acTL" { return .probe }
        if name == "IDAT" || name == "IEND" { return .still }
        // Length, name, data and checksum; a length past the file ends the walk.
        guard length <= file.size - offset else { return .still }
        offset += 12 + length
      }
      return .still
    case "image/webp":
      let head = file.read(at: 0, count: 21)
      guard head.count == 21, head.ascii(12, 4) == "VP8X", head[20] & 0x02 != 0 else { return .still }
      var frames = 0
      var offset = 12
      while offset + 8 <= file.size && frames < 1_000_000 {
        if frames % 4096 == 0 { try cancellation.check() }
        let chunk = file.read(at: offset, count: 8)
        guard let size = chunk.uint32LE(4), size <= file.size - offset else { break }
        if chunk.ascii(0, 4) == "ANMF" { frames += 1 }
        // Chunks are padded to an even size.
        offset += 8 + size + (size & 1)
      }
      return frames > 1 ? .frames(frames) : .still
    default: return .still
    }
  }
}
