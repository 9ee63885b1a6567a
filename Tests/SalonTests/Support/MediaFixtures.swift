import Foundation
import SampleContent

/// Real audio and video made by Debian's ffmpeg from its lavfi test sources, once per test run
/// and shared by every test (tests may run ffmpeg directly to make fixtures; Salon may not).
enum MediaFixtures {
  /// Private values planted in metadata; none may reach a published site.
  static let location = "+12.3456+065.4321/"
  static let movComment = "MOV-SECRET-COMMENT"
  static let mp3Comment = "mp3-secret@private.example"
  static let mp3Artist = "Secret Artist Name"
  static let pdfAuthor = "pdf-author@private.example"

  static let folder: String = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("salon-media-fixtures-\(getpid())")
    try? FileManager.default.removeItem(at: url)
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: MediaFixtures.folder) }
    let f = url.path
    let quiet = ["-v", "error", "-nostdin", "-y"]
    let clip = ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2"]
    // A phone's MOV: H.264/AAC, a location tag, a comment, shot sideways (rotation 90).
    make(quiet + clip + ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", "\(f)/flat.mov"])
    make(
      quiet + [
        "-i", "\(f)/flat.mov", "-c", "copy", "-metadata", "location=\(location)", "-metadata",
        "comment=\(movComment)", "-metadata:s:v:0", "rotate=90", "\(f)/phone.mov",
      ])
    make(
      quiet + [
        "-f", "lavfi", "-i", "sine=f=330:d=2", "-metadata", "comment=\(mp3Comment)", "-metadata", "artist=\(mp3Artist)",
        "-id3v2_version", "3", "-c:a", "libmp3lame", "\(f)/private.mp3",
      ])
    make(quiet + clip + ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", "-shortest", "\(f)/clip.webm"])
    make(quiet + clip + ["-c:v", "mpeg4", "-c:a", "libmp3lame", "-shortest", "\(f)/clip.avi"])
    make(quiet + ["-f", "lavfi", "-i", "sine=d=3", "-c:a", "libvorbis", "\(f)/tone.ogg"])
    make(quiet + ["-f", "lavfi", "-i", "sine=d=3", "\(f)/tone.flac"])
    // Black for its first second, then a picture: the poster must not be black.
    make(
      quiet + [
        "-f", "lavfi", "-i", "color=c=black:s=320x240:r=25:d=1", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=9",
        "-f", "lavfi", "-i", "sine=d=10", "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map",
        "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "\(f)/dark-start.mp4",
      ])
    // Heavy to transcode: 1080p noise, cheap to make.
    make(
      quiet + [
        "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=20", "-c:v", "libx264", "-preset", "ultrafast", "-crf",
        "45", "\(f)/heavy.mp4",
      ])
    // A three-frame animated GIF.
    make(
      quiet + [
        "-f", "lavfi", "-i", "testsrc2=s=160x120:r=5:d=0.6", "-loop", "0", "\(f)/animated.gif",
      ])
    make(
      quiet + [
        "-f", "lavfi", "-i", "testsrc2=s=160x120:r=5:d=0.6", "-loop", "0", "-c:v", "libwebp_anim", "\(f)/animated.webp",
      ])
    FileManager.default.createFile(
      atPath: "\(f)/private.pdf", contents: Data(SampleMedia.pdf(pages: 3, title: "Score", author: pdfAuthor)))
    return f
  }()

  /// One short file in every container the call invites, by name, with its duration in seconds:
  /// videos of 2 s (picture and sound), audio of 3 s.
  static let containers: [(name: String, seconds: Double)] = {
    let f = folder
    let quiet = ["-v", "error", "-nostdin", "-y"]
    let clip = ["-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2"]
    let tone = ["-f", "lavfi", "-i", "sine=f=550:d=3"]
    let h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest"]
    let videos: [(String, [String])] = [
      ("clip.mp4", h264 + ["-c:a", "aac"]), ("clip.mov", h264 + ["-c:a", "aac"]),
      ("clip.m4v", h264 + ["-c:a", "aac", "-f", "mp4"]),
      ("clip.mkv", h264 + ["-c:a", "libvorbis"]), ("clip.ts", h264 + ["-c:a", "aac"]),
      ("clip.webm", ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", "-shortest"]),
      ("clip.avi", ["-c:v", "mpeg4", "-c:a", "libmp3lame", "-shortest"]),
    ]
    let sounds: [(String, [String])] = [
      ("tone.mp3", ["-c:a", "libmp3lame"]), ("tone.aac", ["-c:a", "aac", "-f", "adts"]), ("tone.m4a", ["-c:a", "aac"]),
      ("tone.ogg", ["-c:a", "libvorbis"]), ("tone.opus", ["-c:a", "libopus"]), ("tone.wav", []),
      ("tone.flac", []), ("tone.aiff", []),
    ]
    for (name, codec) in videos { make(quiet + clip + codec + ["\(f)/c-\(name)"]) }
    for (name, codec) in sounds { make(quiet + tone + codec + ["\(f)/c-\(name)"]) }
    return videos.map { ("c-" + $0.0, 2.0) } + sounds.map { ("c-" + $0.0, 3.0) }
  }()

  static func make(_ arguments: [String]) {
    let result = try! Tool.run(["ffmpeg"] + arguments)
    precondition(result.status == 0, "ffmpeg could not make a fixture: \(result.output)")
  }

  static func path(_ name: String) -> String { folder + "/" + name }
  static func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path(name))!) }
}
