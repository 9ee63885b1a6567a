import Foundation

/// One job for a sandboxed tool, as a typed value: what it makes, never a string of options
/// pieced together by callers. Output names are fixed, inside the job's private folder.
package protocol MediaCommand: Sendable {
  var tool: MediaTool { get }
  /// The argument vector. `demuxer` is the format the probe found (ffmpeg's `-f`); `folder`
  /// is the private folder the outputs go in.
  func arguments(demuxer: String?, folder: String) -> [String]
}

extension MediaCommand {
  /// ffmpeg reading exactly the probed format from the descriptor Salon opened, with local
  /// files as the only protocol and no interaction.
  func ffmpegInput(_ demuxer: String?, seek: Double? = nil) -> [String] {
    var arguments = [
      "-nostdin", "-hide_banner", "-v", "error", "-protocol_whitelist", "file", "-format_whitelist",
      AllowedFormats.list,
    ]
    if let seek { arguments += ["-ss", String(format: "%.3f", seek)] }
    if let demuxer { arguments += ["-f", demuxer] }
    return arguments + ["-i", "file:" + Sandbox.inputPath]
  }

  /// Reproducible output with no container metadata, chapters, subtitles or data streams.
  static var cleanOutput: [String] {
    ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn", "-fflags", "+bitexact"]
  }

  /// A scale filter fitting the picture (rotation already applied by ffmpeg) within `maxSide`,
  /// never upscaled, with even sides as yuv420p needs.
  static func fit(_ maxSide: Int) -> String {
    let side = max(16, min(maxSide, 16_384))
    return
      "scale=w='trunc(min(\(side),iw*min(1,\(side)/max(iw,ih)))/2)*2':h='trunc(min(\(side),ih*min(1,\(side)/max(iw,ih)))/2)*2'"
  }
}

/// A web rendition of a video: H.264 (yuv420p) and AAC in MP4, moov first, longest side at most
/// `maxSide`, rotation applied, no metadata.
package struct VideoRendition: MediaCommand {
  package var maxSide: Int
  package var hasAudio: Bool
  package static let output = "video.mp4"
  package var tool: MediaTool { .ffmpeg }
  package init(maxSide: Int, hasAudio: Bool) {
    self.maxSide = maxSide
    self.hasAudio = hasAudio
  }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    var arguments = ffmpegInput(demuxer) + ["-map", "0:v:0"]
    if hasAudio { arguments += ["-map", "0:a:0"] }
    arguments +=
      Self.cleanOutput + [
        "-vf", Self.fit(maxSide) + ",setsar=1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
        "-pix_fmt", "yuv420p", "-profile:v", "high", "-flags:v", "+bitexact",
      ] + CleanRemux.dropSEI
    if hasAudio { arguments += ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-flags:a", "+bitexact"] }
    return arguments + ["-movflags", "+faststart", "-f", "mp4", "-y", folder + "/" + Self.output]
  }
}

/// A web rendition copied into a fresh MP4 without re-encoding: its first picture stream and
/// first sound stream only, no container metadata, chapters, subtitles, other tracks or H.264
/// SEI messages. Salon's
/// own renditions go through it as well as a node's (`salon cache import`): the copy is
/// idempotent, so a rendition made at home and one a node made are the same bytes.
package struct CleanRemux: MediaCommand {
  package enum Kind: Sendable { case video, audio }
  package var kind: Kind
  package static let output = "clean.mp4"
  package var tool: MediaTool { .ffmpeg }
  package init(kind: Kind) { self.kind = kind }
  /// In the cache key of every rendition that takes this step: a change here remakes them.
  package static let recipe = "clean 1"
  /// H.264's SEI messages dropped (x264 writes its settings there; a node could write anything):
  /// by Salon's encoder as well as here, so that copying again changes no byte.
  package static let dropSEI = ["-bsf:v", "filter_units=remove_types=6"]
  package func arguments(demuxer: String?, folder: String) -> [String] {
    let streams = kind == .video ? ["-map", "0:v:0", "-map", "0:a:0?"] + Self.dropSEI : ["-map", "0:a:0", "-vn"]
    return ffmpegInput(demuxer) + streams + Self.cleanOutput + [
      "-c", "copy", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-movflags", "+faststart", "-f", "mp4", "-y",
      folder + "/" + Self.output,
    ]
  }
}

/// One frame of a video as a PNG (longest side at most `maxSide`), and the same frame as
/// 16 × 16 grey bytes so the caller can tell a black frame without decoding the PNG.
package struct PosterFrame: MediaCommand {
  package var at: Double
  package var maxSide: Int
  package static let output = "poster.png"
  package static let brightness = "poster.gray"
  package var tool: MediaTool { .ffmpeg }
  package init(at: Double, maxSide: Int) {
    self.at = at.isFinite ? max(0, at) : 0
    self.maxSide = maxSide
  }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    ffmpegInput(demuxer, seek: at) + [
      "-filter_complex",
      "[0:v:0]\(Self.fit(maxSide)),setsar=1,split[poster][probe];[probe]scale=16:16,format=gray[grey]",
      "-map", "[poster]", "-frames:v", "1", "-map_metadata", "-1", "-f", "image2", "-c:v", "png", "-y",
      folder + "/" + Self.output, "-map", "[grey]", "-frames:v", "1", "-f", "rawvideo", "-y",
      folder + "/" + Self.brightness,
    ]
  }

  /// The mean brightness (0–255) of the 16 × 16 grey copy, or nil when there was no frame.
  package static func meanBrightness(in folder: String) -> Double? {
    guard let data = FileManager.default.contents(atPath: folder + "/" + brightness), !data.isEmpty else { return nil }
    return Double(data.reduce(0) { $0 + Int($1) }) / Double(data.count)
  }
}

/// Audio every browser plays: AAC in an M4A, tags and cover art dropped.
package struct AudioRendition: MediaCommand {
  package static let output = "audio.m4a"
  package var tool: MediaTool { .ffmpeg }
  package init() {}
  package func arguments(demuxer: String?, folder: String) -> [String] {
    ffmpegInput(demuxer) + ["-map", "0:a:0", "-vn"] + Self.cleanOutput + [
      "-c:a", "aac", "-b:a", "160k", "-flags:a", "+bitexact", "-movflags", "+faststart", "-f", "mp4", "-y",
      folder + "/" + Self.output,
    ]
  }
}

/// A picture of the sound for the work page: ffmpeg's `showwavespic`, one channel, as a PNG on a
/// transparent ground, each column's peak on a square-root scale (as the card's `CardWaveform`).
package struct Waveform: MediaCommand {
  package var width: Int
  package var height: Int
  package static let output = "waveform.png"
  package var tool: MediaTool { .ffmpeg }
  package init(width: Int = 1200, height: Int = 240) {
    self.width = min(max(width, 16), 4096)
    self.height = min(max(height, 16), 2048)
  }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    ffmpegInput(demuxer) + [
      "-filter_complex",
      "[0:a:0]aformat=channel_layouts=mono,showwavespic=s=\(width)x\(height):colors=\(CardWaveform.colour):scale=sqrt:draw=full:filter=peak,format=rgba[wave]",
      "-map", "[wave]", "-frames:v", "1", "-map_metadata", "-1", "-f", "image2", "-c:v", "png", "-y",
      folder + "/" + Self.output,
    ]
  }
}

/// An animation (GIF, APNG) as a muted, looping-ready MP4, never upscaled past its own size.
package struct AnimationRendition: MediaCommand {
  package var maxSide: Int
  package static let output = "animation.mp4"
  package var tool: MediaTool { .ffmpeg }
  package init(maxSide: Int) { self.maxSide = maxSide }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    ffmpegInput(demuxer) + ["-map", "0:v:0", "-an"] + Self.cleanOutput + [
      "-vf", Self.fit(maxSide) + ",setsar=1", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
      "-pix_fmt", "yuv420p", "-flags:v", "+bitexact",
    ] + CleanRemux.dropSEI + ["-movflags", "+faststart", "-f", "mp4", "-y", folder + "/" + Self.output]
  }
}

/// Pages `first` to `last` of a PDF as PNGs at `dpi`, by poppler's `pdftoppm`.
package struct PDFPages: MediaCommand {
  package var first: Int
  package var last: Int
  package var dpi: Int
  package static let prefix = "page"
  package var tool: MediaTool { .pdftoppm }
  /// The first `maxPages` pages.
  package init(maxPages: Int, dpi: Int) {
    self.init(first: 1, last: maxPages, dpi: dpi)
  }
  /// Page `page` alone, so that it runs under its own limits.
  package init(page: Int, dpi: Int) {
    self.init(first: page, last: page, dpi: dpi)
  }
  init(first: Int, last: Int, dpi: Int) {
    self.first = min(max(first, 1), 10_000)
    self.last = min(max(last, self.first), 10_000)
    self.dpi = min(max(dpi, 18), 600)
  }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    [
      "-png", "-r", String(dpi), "-f", String(first), "-l", String(last), Sandbox.inputPath,
      folder + "/" + Self.prefix,
    ]
  }

  /// The pages written, in order (pdftoppm pads the number to the page count's width).
  package static func pages(in folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasPrefix(prefix + "-") && $0.hasSuffix(".png") }
      .compactMap { name -> (Int, String)? in
        guard let n = Int(name.dropFirst(prefix.count + 1).dropLast(4)) else { return nil }
        return (n, folder + "/" + name)
      }
      .sorted { $0.0 < $1.0 }.map(\.1)
  }
}

extension Sandbox {
  /// Runs `command` on `input`; outputs land in `folder`.
  package func run(_ command: MediaCommand, input: String?, demuxer: String? = nil, folder: String) throws {
    try run(
      command.tool, command.arguments(demuxer: demuxer, folder: folder), input: input, workingFolder: folder)
  }
}

/// A clip made from nothing: ffmpeg's own test picture and a tone, encoded for real (H.264 and
/// AAC in MP4, or MP3 alone). For the demo and the benchmarks; it reads no file.
package struct TestPattern: MediaCommand {
  package enum Kind: Sendable {
    case video(width: Int, height: Int)
    case mp3
  }
  package var kind: Kind
  package var seconds: Double
  package var frequency: Int
  package var tool: MediaTool { .ffmpeg }
  package init(_ kind: Kind, seconds: Double, frequency: Int = 440) {
    self.kind = kind
    self.seconds = seconds.isFinite ? min(max(seconds, 0.1), 3600) : 1
    self.frequency = min(max(frequency, 20), 20_000)
  }
  package var output: String {
    if case .mp3 = kind { return "pattern.mp3" }
    return "pattern.mp4"
  }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    let duration = String(format: "%.3f", seconds)
    let tone = ["-f", "lavfi", "-i", "sine=frequency=\(frequency):beep_factor=2:duration=\(duration)"]
    let common = ["-nostdin", "-hide_banner", "-v", "error"]
    switch kind {
    case .video(let width, let height):
      let w = min(max(width, 16), 7680) / 2 * 2
      let h = min(max(height, 16), 4320) / 2 * 2
      return common + ["-f", "lavfi", "-i", "testsrc2=size=\(w)x\(h):rate=25:duration=\(duration)"] + tone + [
        "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-b:a", "128k", "-shortest", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        "-flags:a", "+bitexact", "-movflags", "+faststart", "-f", "mp4", "-y", folder + "/" + output,
      ]
    case .mp3:
      return common + tone + [
        "-c:a", "libmp3lame", "-b:a", "128k", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-f", "mp3", "-y", folder + "/" + output,
      ]
    }
  }
}

/// A short, bounded check that a file's streams decode: every audio and video stream of the first
/// `seconds` is decoded to nothing, and every packet of the whole file is read once without
/// decoding (cheap) so a file cut short or with corrupt packets further on is caught too. Any
/// error stops ffmpeg with a failure (`-xerror`).
package struct DecodeCheck: MediaCommand {
  package var seconds: Double
  package var tool: MediaTool { .ffmpeg }
  package init(seconds: Double = 5) { self.seconds = seconds.isFinite ? min(max(seconds, 0.1), 600) : 5 }
  package func arguments(demuxer: String?, folder: String) -> [String] {
    ["-xerror"] + ffmpegInput(demuxer) + [
      "-map", "0:v?", "-map", "0:a?", "-t", String(format: "%.3f", seconds), "-f", "null", "-",
      "-map", "0:v?", "-map", "0:a?", "-c", "copy", "-f", "null", "-",
    ]
  }
}
