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
package enum DerivativeStrip {
  /// The JPEG without its APP1–APP15 segments (EXIF, XMP, ICC, IPTC, vendors'), comments, an APP0
  /// longer than a plain JFIF header (a thumbnail), anywhere in the file, and nothing after its
  /// end marker: a node cannot carry bytes between scans or past the picture. The scans' data is
  /// kept as it is. Nil when the markers do not parse or the picture has no end.
  package static func strippedJPEG(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
    var kept: [UInt8] = [0xFF, 0xD8]
    var index = 2
    while index + 2 <= bytes.count {
      guard bytes[index] == 0xFF else { return nil }
      let marker = bytes[index + 1]
      if marker == 0xFF {
        index += 1
        continue
      }
      if marker == 0xD9 { return kept + [0xFF, 0xD9] }
      guard index + 4 <= bytes.count else { return nil }
      let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      guard length >= 2, index + 2 + length <= bytes.count else { return nil }
      let dropped = (0xE1...0xEF).contains(marker) || marker == 0xFE || (marker == 0xE0 && length > 16)
      if !dropped { kept += bytes[index..<index + 2 + length] }
      index += 2 + length
      // After a scan's header, its entropy-coded data runs to the next marker that is neither a
      // stuffed zero nor a restart marker.
      if marker == 0xDA {
        let dataStart = index
        while index + 1 < bytes.count {
          if bytes[index] == 0xFF, bytes[index + 1] != 0, !(0xD0...0xD7).contains(bytes[index + 1]) { break }
          index += 1
        }
        guard index + 1 < bytes.count else { return nil }
        kept += bytes[dataStart..<index]
      }
    }
    return nil
  }
}
