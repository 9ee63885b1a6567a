import CVips
import Foundation
import MediaTools

extension Imaging {
  /// `DerivativeCheck` in the worker: each picture of the bundle at `source` is a still WebP or
  /// a JPEG that decodes wholly (`salon_vips_decode_check_buffer`: libvips from memory, every
  /// pixel, nothing shrunk); its bytes without metadata go to
  /// `DerivativeCheck.output(index)` in `folder`. Returns each one's pixel size, nil for one that
  /// does not decode (nothing written for it): the bundle may hold several folders' pictures,
  /// and one damaged picture must not cost the others their check.
  package static func checkedDerivatives(_ source: String, maxPixels: Int, folder: String) throws -> [ImageSize?] {
    guard let handle = FileHandle(forReadingAtPath: source) else { throw ImageError.unreadable(detail: "unopened") }
    defer { try? handle.close() }
    let bundle = [UInt8]((try? handle.readToEnd()) ?? Data())
    guard let parts = DerivativeCheck.parts(bundle) else { throw ImageError.unreadable(detail: "not a bundle") }
    var sizes: [ImageSize?] = []
    for (index, part) in parts.enumerated() {
      let bytes = Array(part)
      guard let size = decodedSize(bytes, maxPixels: maxPixels),
        let stripped = WebPMetadata.stripped(bytes) ?? DerivativeStrip.strippedJPEG(bytes)
      else {
        sizes.append(nil)
        continue
      }
      let target = folder + "/" + DerivativeCheck.output(index)
      guard FileManager.default.createFile(atPath: target, contents: Data(stripped)) else {
        throw ImageError.cannotSave(path: target, detail: "")
      }
      sizes.append(size)
    }
    return sizes
  }

  /// The size of a WebP or JPEG that decodes wholly; nil for anything else.
  package static func decodedSize(_ bytes: [UInt8], maxPixels: Int) -> ImageSize? {
    var width: Int32 = 0
    var height: Int32 = 0
    let isWebP =
      bytes.count >= 12 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WEBP".utf8)
    let isJPEG = bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
    guard isWebP || isJPEG else { return nil }
    guard (try? ensureStarted()) != nil else { return nil }
    let status = bytes.withUnsafeBufferPointer { buffer in
      salon_vips_decode_check_buffer(buffer.baseAddress, buffer.count, maxPixels, &width, &height)
    }
    guard status == 0, width > 0, height > 0 else { return nil }
    return ImageSize(width: Int(width), height: Int(height))
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
