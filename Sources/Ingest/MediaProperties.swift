import Foundation

/// Technical properties of a file, as its decoder read them.
struct MediaProperties: Equatable {
  var width: Int?
  var height: Int?
  var duration: Double?
  var pages: Int?
}

/// The one header read that stays: libvips has no trusted BMP loader, so a BMP's pixel size
/// comes from its fixed 26-byte header (bounded, no walk); every other format is read by a real
/// decoder (`MediaCheck`).
enum MediaInspector {
  static func bmpSize(_ file: RandomAccessFile) -> MediaProperties {
    let head = file.read(at: 0, count: 26)
    guard let width = head.uint32LE(18), let rawHeight = head.uint32LE(22) else { return MediaProperties() }
    // Height is signed: negative means top-down rows.
    let height = rawHeight >= 0x8000_0000 ? 0x1_0000_0000 - rawHeight : rawHeight
    return MediaProperties(width: width, height: height)
  }
}
