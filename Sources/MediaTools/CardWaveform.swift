import Foundation

/// The waveform an audio work's card shows: ffmpeg's `showwavespic` drawn straight at each
/// width the card may need (one, two and three device pixels per CSS pixel), never resized
/// afterwards, so its edges stay sharp. A transparent PNG in the theme's accent colour, three
/// times as wide as it is tall; the amplitude on a square-root scale of each column's peak, so
/// a quiet recording still has a shape. Only ffmpeg's own chunks are written (size, pixel aspect
/// and pixels): no text, time or other metadata.
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
    "card-waveform \(widths.map { "\($0)x\($0 / aspect)" }.joined(separator: ",")) \(colour) sqrt peak"
  }
  package static func output(_ width: Int) -> String { "card-wave-\(width).png" }
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
        "-map", "[w\(index)]", "-frames:v", "1", "-map_metadata", "-1", "-flags:v", "+bitexact", "-f", "image2",
        "-c:v", "png", "-y", folder + "/" + Self.output(width),
      ]
    }
    return arguments
  }

  /// The pixel size in a PNG's header (its first chunk), or nil when the file is not a PNG.
  /// ffmpeg read an artist's file to draw it: its output is checked before it is published.
  package static func pngSize(_ path: String) -> (width: Int, height: Int)? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let head = try? handle.read(upToCount: 24), head.count == 24,
      head.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
      head[12..<16].elementsEqual("IHDR".utf8)
    else { return nil }
    let bytes = [UInt8](head)
    func number(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (number(16), number(20))
  }
}
