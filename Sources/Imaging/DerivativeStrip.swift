import Foundation
import MediaTools

extension Imaging {
  /// `DerivativeCheck` in the worker: each picture of the bundle at `source` decodes wholly and
  /// is WebP or JPEG; its bytes without metadata go to `DerivativeCheck.output(index)` in
  /// `folder`. Returns their pixel sizes, in order.
  package static func checkedDerivatives(_ source: String, maxPixels: Int, folder: String) throws -> [ImageSize] {
    guard let handle = FileHandle(forReadingAtPath: source) else { throw ImageError.unreadable(detail: "unopened") }
    defer { try? handle.close() }
    let bundle = [UInt8]((try? handle.readToEnd()) ?? Data())
    guard let parts = DerivativeCheck.parts(bundle) else { throw ImageError.unreadable(detail: "not a bundle") }
    var sizes: [ImageSize] = []
    for (index, part) in parts.enumerated() {
      let bytes = Array(part)
      let picture = folder + "/part-\(index)"
      guard FileManager.default.createFile(atPath: picture, contents: Data(bytes)) else {
        throw ImageError.cannotSave(path: picture, detail: "")
      }
      let (width, height) = try checkDecodes(picture, maxPixels: maxPixels)
      unlink(picture)
      guard let stripped = WebPMetadata.stripped(bytes) ?? DerivativeStrip.strippedJPEG(bytes) else {
        throw ImageError.unreadable(detail: "neither WebP nor JPEG")
      }
      let target = folder + "/" + DerivativeCheck.output(index)
      guard FileManager.default.createFile(atPath: target, contents: Data(stripped)) else {
        throw ImageError.cannotSave(path: target, detail: "")
      }
      sizes.append(ImageSize(width: width, height: height))
    }
    return sizes
  }
}

/// JPEG's metadata segments removed, everything else kept as it was.
enum DerivativeStrip {
  /// The JPEG without its APP1–APP15 segments (EXIF, XMP, ICC, IPTC, vendors') and comments,
  /// up to the first scan; the scans are kept as they are. Nil when the markers do not parse.
  static func strippedJPEG(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
    var kept: [UInt8] = [0xFF, 0xD8]
    var index = 2
    while index + 4 <= bytes.count {
      guard bytes[index] == 0xFF else { return nil }
      let marker = bytes[index + 1]
      if marker == 0xFF {
        index += 1
        continue
      }
      // Start of scan: the rest is entropy-coded data and the markers between scans.
      if marker == 0xDA {
        kept += bytes[index...]
        return kept
      }
      let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      guard length >= 2, index + 2 + length <= bytes.count else { return nil }
      if !((0xE1...0xEF).contains(marker) || marker == 0xFE) { kept += bytes[index..<index + 2 + length] }
      index += 2 + length
    }
    return nil
  }
}
