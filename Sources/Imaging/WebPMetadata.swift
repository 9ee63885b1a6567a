import Foundation

/// Keeps only a WebP file's picture chunks (dropping EXIF, XMP, ICC and any other) and clears the
/// metadata flags. libvips 8.14's
/// WebP writer adds an EXIF chunk even when asked to strip metadata; Salon removes it itself.
package enum WebPMetadata {
  package static func stripped(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) else {
      return nil
    }
    var body: [UInt8] = []
    var offset = 12
    // Nothing past the RIFF size the file declares is kept.
    let declared = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
    let limit = min(bytes.count, 8 + declared)
    while offset + 8 <= limit {
      let fourCC = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
      let size =
        Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7])
        << 24
      let end = offset + 8 + size + (size & 1)
      guard end <= bytes.count else { return nil }
      // Only the chunks that draw the picture are kept (an allow-list: a chunk of any other name,
      // which a hostile node could use to carry bytes, is dropped with the metadata).
      if ["VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF"].contains(fourCC) {
        var chunk = Array(bytes[offset..<end])
        // VP8X flags: ICC 0x20, EXIF 0x08, XMP 0x04.
        if fourCC == "VP8X", chunk.count > 8 { chunk[8] &= ~UInt8(0x20 | 0x08 | 0x04) }
        body += chunk
      }
      offset = end
    }
    let riffSize = body.count + 4
    let header: [UInt8] =
      Array("RIFF".utf8) + [
        UInt8(riffSize & 0xFF), UInt8((riffSize >> 8) & 0xFF), UInt8((riffSize >> 16) & 0xFF), UInt8(riffSize >> 24),
      ]
      + Array("WEBP".utf8)
    return header + body
  }
}
