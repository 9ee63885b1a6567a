import Foundation

/// The pictures of derivatives another machine made (`salon cache import`), each decoded wholly
/// by the worker and stripped of every metadata block (WebP's EXIF, XMP and ICC chunks; JPEG's
/// APP1–APP15 and comments), written as `checked-0`, `checked-1`… in the job's folder. They come
/// as one input, a bundle (each picture as its length in 8 little-endian bytes, then its bytes),
/// so one sandboxed run checks a batch of folders: starting the worker in its sandbox cost more
/// than checking a photograph's four pictures. The reply gives each picture's size, or nil for
/// one that does not decode, so a damaged picture refuses only its own folder. Stripping is
/// lossless and leaves a file without metadata byte for byte as it was, so an honest node's
/// pictures enter the cache unchanged and the site is the one this machine would have made.
package struct DerivativeCheck: ImageJob {
  package typealias Result = [ImageSize?]
  package static let name = "derivative-check"
  package static func output(_ index: Int) -> String { "checked-\(index)" }
  /// At most this many pictures in one bundle.
  package static let partLimit = 256
  /// A batch is closed at this many pictures or bytes (the worker holds its bundle in memory).
  package static let batchPictures = 128
  package static let batchBytes = 96 << 20

  /// The bundle of `pictures`, as the worker reads it.
  package static func bundle(_ pictures: [Data]) -> Data {
    var bundle = Data()
    for picture in pictures {
      var length = UInt64(picture.count).littleEndian
      withUnsafeBytes(of: &length) { bundle.append(contentsOf: $0) }
      bundle.append(picture)
    }
    return bundle
  }

  /// The pictures of a bundle; nil when it does not parse or holds too many.
  package static func parts(_ bundle: [UInt8]) -> [ArraySlice<UInt8>]? {
    var parts: [ArraySlice<UInt8>] = []
    var index = 0
    while index < bundle.count {
      guard index + 8 <= bundle.count, parts.count < partLimit else { return nil }
      let length = bundle[index..<index + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
      index += 8
      guard length > 0, length <= bundle.count - index else { return nil }
      parts.append(bundle[index..<index + length])
      index += length
    }
    return parts.isEmpty ? nil : parts
  }
  package var maxPixels: Int
  package init(maxPixels: Int) { self.maxPixels = maxPixels }
  package var options: [String: String] { ["max-pixels": String(maxPixels)] }
  package init(options: [String: String]) throws { maxPixels = try ImageWorker.number("max-pixels", in: options) }
}
