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

  /// A 3 KB, one-page PDF that asks for 30^6 fills: each level of nested form XObjects draws
  /// the next 30 times (a "billion laughs" for PDF). Any renderer spins on it for minutes.
  static func fillBombPDF(levels: Int = 6, fanOut: Int = 30) -> [UInt8] {
    func stream(_ dictionary: String, _ body: String) -> String {
      "\(dictionary) /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream"
    }
    var objects: [Int: String] = [
      1: "<< /Type /Catalog /Pages 2 0 R >>",
      2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /X 10 0 R >> >> "
        + "/Contents 4 0 R >>",
      4: stream("<<", "/X Do"),
    ]
    for level in 0..<levels {
      let form = "<< /Type /XObject /Subtype /Form /BBox [0 0 200 200]"
      objects[10 + level] =
        level < levels - 1
        ? stream(
          form + " /Resources << /XObject << /N \(11 + level) 0 R >> >>",
          String(repeating: "/N Do ", count: fanOut))
        : stream(form, String(repeating: "0.5 g 0 0 200 200 re f ", count: fanOut))
    }
    var pdf = "%PDF-1.4\n"
    var offsets: [Int: Int] = [:]
    for key in objects.keys.sorted() {
      offsets[key] = pdf.utf8.count
      pdf += "\(key) 0 obj\n\(objects[key]!)\nendobj\n"
    }
    let xref = pdf.utf8.count
    let size = objects.keys.max()! + 1
    pdf += "xref\n0 \(size)\n"
    for key in 0..<size {
      pdf += offsets[key].map { String(format: "%010d 00000 n \n", $0) } ?? "0000000000 65535 f \n"
    }
    pdf += "trailer\n<< /Size \(size) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    return Array(pdf.utf8)
  }

  static func make(_ arguments: [String]) {
    let result = try! Tool.run(["ffmpeg"] + arguments)
    precondition(result.status == 0, "ffmpeg could not make a fixture: \(result.output)")
  }

  static func path(_ name: String) -> String { folder + "/" + name }
  static func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path(name))!) }
}
