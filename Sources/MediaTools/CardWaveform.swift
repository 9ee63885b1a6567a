import Foundation

/// The waveform an audio work's card shows: ffmpeg's `showwavespic` drawn straight at each
/// width the card may need (one, two and three device pixels per CSS pixel), never resized
/// afterwards, so its edges stay sharp. A lossless WebP on a transparent ground in the theme's
/// accent colour, three times as wide as it is tall; the amplitude on a square-root scale of each
/// column's peak, so a quiet recording still has a shape. The file is one `VP8L` chunk (its size
/// and pixels): no EXIF, XMP or other metadata, which `losslessWebPSize` checks before it is
/// published.
package struct CardWaveform: MediaCommand {
  /// Widths in pixels, smallest first.
  package static let widths = [360, 720, 1080]
  /// Width over height.
  package static let aspect = 3
  /// The default theme's accent (`--accent` of Gallery/style.css); its dark scheme turns the
  /// picture to its own accent with a CSS filter.
  package static let colour = "0x0b5394"
  /// What shapes the pictures, for the derivative's cache key: a change remakes them.
  package static var recipe: String {
    "card-waveform \(widths.map { "\($0)x\($0 / aspect)" }.joined(separator: ",")) \(colour) sqrt peak webp"
  }
  package static func output(_ width: Int) -> String { "card-wave-\(width).webp" }
  package static func height(_ width: Int) -> Int { width / aspect }

  package var tool: MediaTool { .ffmpeg }
  package init() {}

  package func arguments(demuxer: String?, folder: String) -> [String] {
    let widths = Self.widths
    let split = widths.indices.map { "[s\($0)]" }.joined()
    var graph = "[0:a:0]aformat=channel_layouts=mono,asplit=\(widths.count)\(split)"
    for (index, width) in widths.enumerated() {
      graph +=
        ";[s\(index)]showwavespic=s=\(width)x\(Self.height(width)):colors=\(Self.colour):scale=sqrt:draw=full:filter=peak,format=rgba[w\(index)]"
    }
    var arguments = ffmpegInput(demuxer) + ["-filter_complex", graph]
    for (index, width) in widths.enumerated() {
      arguments += [
        "-map", "[w\(index)]", "-frames:v", "1", "-map_metadata", "-1", "-flags:v", "+bitexact", "-c:v", "libwebp",
        "-lossless", "1", "-compression_level", "6", "-f", "webp", "-y", folder + "/" + Self.output(width),
      ]
    }
    return arguments
  }

  /// The pixel size of a lossless WebP that is nothing but its one `VP8L` chunk (RIFF header,
  /// `WEBP`, the chunk, its padding), or nil for any other file. ffmpeg read an artist's file to
  /// draw it: its output is checked before it is published.
  package static func losslessWebPSize(_ path: String) -> (width: Int, height: Int)? {
    guard let data = FileManager.default.contents(atPath: path), data.count >= 25, data.count < 16 << 20 else {
      return nil
    }
    let bytes = [UInt8](data)
    func little(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    let chunk = little(16)
    guard bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8),
      bytes[12..<16].elementsEqual("VP8L".utf8), little(4) == bytes.count - 8,
      20 + chunk + (chunk & 1) == bytes.count, bytes[20] == 0x2F
    else { return nil }
    // 14 bits of width - 1, then 14 of height - 1, least significant first.
    let bits = little(21)
    return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
  }
}
