import Catalog
import Foundation
import Imaging
import MediaTools
import SampleContent
import Testing

/// A call of every medium, made by ffmpeg as phones and editors make files, exported by the
/// real `salon` binary.
struct MediaGallery {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var site: String { scratch.path("site") }
  static let description = SampleMedia.pdf(pages: 1, title: "About")

  /// Works 1–5: a phone's MOV, a tagged MP3, a PDF with an author, a video that starts black, an
  /// animated GIF; `extra` adds more (id, file name, bytes).
  func setUp(extra: [(String, String, [UInt8])] = []) throws {
    #expect(try Binary.run(["init", "--title", "Media Salon", "--year", "2026", "--archive", archive]).status == 0)
    var works: [(String, String, [UInt8])] = [
      ("1", "1_main.mov", MediaFixtures.bytes("phone.mov")), ("2", "2_main.mp3", MediaFixtures.bytes("private.mp3")),
      ("3", "3_main.pdf", MediaFixtures.bytes("private.pdf")),
      ("4", "4_video.mp4", MediaFixtures.bytes("dark-start.mp4")),
      ("5", "5_main.gif", MediaFixtures.bytes("animated.gif")),
    ]
    works += extra
    var form =
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
    for (id, name, bytes) in works {
      scratch.zip("in/\(id).zip", [(name, bytes), ("\(id)_description.pdf", Self.description)])
      form += "\(id),Work \(id),Artist \(id),a\(id)@private.example,Medium \(id),A statement.,,,no,,no,yes,yes,none,\n"
    }
    scratch.write("form.csv", form)
    let ingest = try Binary.run([
      "ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive,
    ])
    #expect(ingest.stdout.contains("\(works.count) zips: \(works.count) accepted"), "\(ingest.stdout)")
    for (id, _, _) in works {
      #expect(try Binary.run(["submissions", "decide", id, "selected", "--archive", archive]).status == 0)
    }
  }

  func export(_ extra: [String] = []) throws -> [String: Any] {
    let run = try Binary.run(["export", "-o", site, "--json", "--archive", archive] + extra)
    #expect(run.status == 0, "\(run.stderr)")
    return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
  }

  var files: [String: Data] { GalleryFixture.files(in: site) }

  /// Works 1–5 set up and exported once per test run, for the tests that only read the site
  /// (the media work is most of their time); a test that changes the site makes its own.
  static func exported() throws -> MediaGallery { try shared.get().gallery }

  /// The shared export's `--json` report.
  static func exportReport() throws -> [String: Any] { try shared.get().report }

  // Built on first use, once, under the lazy static's own lock; only ever read afterwards.
  nonisolated(unsafe) private static let shared: Result<(gallery: MediaGallery, report: [String: Any]), Error> =
    Result {
      let g = MediaGallery()
      sharedFolder = g.scratch.url
      atexit { try? FileManager.default.removeItem(at: MediaGallery.sharedFolder) }
      try g.setUp()
      return (g, try g.export())
    }
  nonisolated(unsafe) private static var sharedFolder = URL(fileURLWithPath: "/nonexistent")
  func page(_ id: String) -> String {
    String(decoding: FileManager.default.contents(atPath: site + "/media-salon-2026/works/\(id).html")!, as: UTF8.self)
  }
}

@Suite(.serialized) struct MediaExportTests {
  @Test func noPrivateMetadataAndNoOriginalReachTheSite() throws {
    let g = try MediaGallery.exported()
    let report = try MediaGallery.exportReport()
    #expect((report["failures"] as! [Any]).isEmpty, "\(report["failures"]!)")
    let files = g.files
    for secret in [
      MediaFixtures.location, "12.3456", MediaFixtures.movComment, MediaFixtures.mp3Comment, MediaFixtures.mp3Artist,
      MediaFixtures.pdfAuthor, "private.example",
    ] {
      for (name, data) in files {
        #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret) is in \(name)")
      }
    }
    // No published file is any stored file: everything is a derivative.
    // Every stored content: the zips as received and each file addressed inside one.
    let stored = Set(
      try SalonArchive.open(at: g.archive).database.query(
        "SELECT sha256 FROM blob UNION SELECT sha256 FROM zip_member"
      ).map { try $0.string("sha256") })
    #expect(stored.count >= 10)
    for (name, data) in files {
      #expect(!stored.contains(SHA.of(bytes: Array(data))), "\(name) is an original")
    }
    #expect(!files.keys.contains { $0.hasSuffix(".mov") || $0.hasSuffix(".mp3") || $0.hasSuffix(".gif") })
  }

  @Test func everyVideoIsH264AndAACWithAPosterAndEveryCardHasAPicture() throws {
    let g = try MediaGallery.exported()
    let sandbox = Sandbox()
    let scratch = Scratch()
    let videos = g.files.keys.filter { $0.hasSuffix(".mp4") }
    #expect(videos.count == 3, "two videos and one animation: \(videos)")
    for video in videos {
      let facts = try sandbox.probe(g.site + "/" + video, workingFolder: scratch.url.path)
      #expect(facts.demuxer == "mov" && facts.video?.codec == "h264")
      if video.contains("-anim-") {
        #expect(facts.audio == nil, "an animation is muted")
      } else {
        #expect(facts.audio?.codec == "aac")
      }
    }
    // The phone video is upright; the GIF is never upscaled.
    let phone = g.page("1")
    #expect(phone.contains(#"width="240" height="320""#))
    #expect(g.page("5").contains(#"width="160" height="120""#))
    for id in ["1", "4", "5"] {
      let html = g.page(id)
      let poster = try #require(html.range(of: #"poster="../../([^"]+)""#, options: .regularExpression))
      let path = html[poster].dropFirst(#"poster="../../"#.count).dropLast()
      #expect(FileManager.default.fileExists(atPath: g.site + "/" + path), "the poster of work \(id) exists")
    }
    // A video that opens on black gets a poster from further on.
    let dark = g.page("4")
    let posterName = String(
      dark[dark.range(of: #"media/[^"]+-poster-[0-9]+\.webp"#, options: .regularExpression)!])
    let brightness = try Tool.run([
      "ffmpeg", "-v", "error", "-i", g.site + "/" + posterName, "-vf", "scale=1:1,format=gray", "-f", "rawvideo", "-",
    ])
    #expect(brightness.status == 0)
    #expect((brightness.output.utf8.first ?? 0) > 40, "the poster is not black")
    // PDF pages as pictures, and the stripped PDF.
    let score = g.page("3")
    #expect(score.components(separatedBy: "<picture>").count - 1 == 3, "three pages shown")
    #expect(score.contains(".pdf\""))
    // The audio work shows its waveform and plays an M4A.
    #expect(g.page("2").contains(".m4a\""))
    #expect(g.page("2").contains("-wave-"))
    let index = String(
      decoding: FileManager.default.contents(atPath: g.site + "/media-salon-2026/index.html")!, as: UTF8.self)
    let cards = index.components(separatedBy: #"<li class="card""#).dropFirst()
    #expect(cards.count == 5)
    for card in cards { #expect(card.contains("<picture>"), "every card has a picture") }
  }

  @Test func aReexportDoesNoMediaWorkAndSettingsRemakeWhatTheyShape() throws {
    let g = MediaGallery()
    try g.setUp()
    let first = try g.export()
    #expect(first["derivativesMade"] as? Int == 5)
    #expect((first["mediaSecondsTranscoded"] as? Double ?? 0) > 10)
    let again = try g.export()
    #expect(again["derivativesMade"] as? Int == 0)
    #expect(again["written"] as? Int == 0)
    #expect(again["mediaSecondsTranscoded"] as? Double == 0)
    // An edited manifest cannot point a page at a file outside the file's own derivatives.
    let manifestPath = g.site + "/.salon-export.json"
    var manifest =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
      as! [String: Any]
    var published = manifest["published"] as! [String: [String: Any]]
    let audioKey = try #require(published.keys.first { $0.contains(" audio ") && $0.contains(" tools ") })
    published[audioKey]!["rendition"] = "index.html"
    manifest["published"] = published
    try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: manifestPath))
    let edited = try g.export()
    // The edited entry is not trusted: the file comes again from the archive's derivative cache.
    #expect(edited["derivativesMade"] as? Int == 0 && edited["derivativesReused"] as? Int == 5, "\(edited)")
    #expect(g.page("2").contains(".m4a\""))
    // A smaller video size remakes the videos and the animation, nothing else.
    let smaller = try g.export(["--video-size", "160", "--prune"])
    #expect(smaller["derivativesMade"] as? Int == 3)
    #expect(g.page("1").contains(#"width="120" height="160""#) || g.page("1").contains("-160.mp4"))
    #expect(!g.files.keys.contains { $0.hasSuffix("-1280.mp4") }, "the old renditions are removed")
  }

  @Test func anAnimatedWebPStaysAnimatedAndIsNeverUpscaled() throws {
    let g = MediaGallery()
    try g.setUp(extra: [("7", "7_main.webp", MediaFixtures.bytes("animated.webp"))])
    let report = try g.export()
    #expect((report["failures"] as! [Any]).isEmpty, "\(report["failures"]!)")
    let animation = try #require(g.files.keys.first { $0.hasSuffix(".webp") && $0.contains("-anim-") })
    #expect(try Imaging.frameCount(of: g.site + "/" + animation) == 3, "every frame is kept")
    let size = try Imaging.size(of: g.site + "/" + animation)
    #expect(size.width == 160, "never upscaled past its own size")
    #expect(g.page("7").contains(#"class="animation""#))
    let data = g.files[animation]!
    #expect(data.range(of: Data("EXIF".utf8)) == nil && data.range(of: Data("XMP ".utf8)) == nil)
  }

  @Test func aFileThatOutrunsTheLimitFailsAloneAndTheRestIsPublished() throws {
    let g = MediaGallery()
    try g.setUp(extra: [("6", "6_video.mp4", MediaFixtures.bytes("heavy.mp4"))])
    let start = Date()
    let report = try g.export(["--media-time-limit", "3"])
    #expect(Date().timeIntervalSince(start) < 60)
    let failures = report["failures"] as! [[String: Any]]
    #expect(failures.map { $0["id"] as? String } == ["6"], "\(failures)")
    #expect(
      failures.first?["message"] as? String
        == "The file needed more processor time than the limit allows and was stopped.")
    #expect(failures.first?["code"] as? String == "media-over-limit", "the same code as at ingest")
    #expect(report["works"] as? Int == 6)
    #expect(g.page("2").contains(".m4a\""), "the other works are published")
    #expect(!g.files.keys.contains { $0.contains(".partial-") }, "nothing half-made is left")
    // The failed video's poster, made before its transcode ran out, went with it: every file in
    // the site is one the manifest records.
    let manifest = try JSONSerialization.jsonObject(with: g.files[".salon-export.json"]!) as! [String: Any]
    let recorded = Set((manifest["files"] as! [String: Any]).keys)
    for name in g.files.keys where name != ".salon-export.json" {
      #expect(recorded.contains(name), "\(name) is recorded")
    }
    // A later export with room enough finishes the job.
    let retry = try g.export()
    #expect((retry["failures"] as! [Any]).isEmpty)
    #expect(retry["derivativesMade"] as? Int == 1)
  }
}

extension MediaExportTests {
  /// Processes whose parent is `parent`, from /proc.
  static func children(of parent: pid_t) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> pid_t? in
      guard let pid = pid_t(entry),
        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 2 && pid_t(fields[1]) == parent ? pid : nil
    }
  }

  @Test func ctrlCKillsTheRunningToolAtOnceAndARerunFinishes() throws {
    let g = MediaGallery()
    try g.setUp(extra: [("6", "6_video.mp4", MediaFixtures.bytes("heavy.mp4"))])
    let process = try Binary.start(["export", "-o", g.site, "--archive", g.archive])
    var tools: [pid_t] = []
    let deadline = Date().addingTimeInterval(60)
    while tools.isEmpty && Date() < deadline && process.isRunning {
      Thread.sleep(forTimeInterval: 0.05)
      tools = Self.children(of: process.processIdentifier)
    }
    try #require(!tools.isEmpty, "a tool was started")
    let pressed = Date()
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    // Transcoding the heavy video takes far longer than this: the bound tells stopping from
    // finishing, with room for a machine busy with other tests.
    #expect(Date().timeIntervalSince(pressed) < 6, "stopped at once")
    #expect(process.terminationStatus == 130)
    for tool in tools { #expect(kill(tool, 0) != 0, "tool \(tool) is gone") }
    #expect(!g.files.keys.contains { $0.contains(".partial-") }, "the stopped tool's private folder is gone")
    let rerun = try g.export()
    #expect((rerun["failures"] as! [Any]).isEmpty)
    #expect(!g.files.keys.contains { $0.contains(".partial-") }, "the rerun sweeps what was left")
  }
}

/// Published audio and video as a visitor plays them, in Debian's headless Chromium.
@Suite(.serialized) struct MediaInBrowserTests {
  @Test func aPublishedVideoAndAudioFileActuallyPlay() throws {
    let g = try MediaGallery.exported()
    let pages = ["1", "2", "4", "5"].map { g.site + "/media-salon-2026/works/\($0).html" }
    let report = try Chromium.run(["play"] + pages) as! [[String: Any]]
    #expect(report.count == 4)
    var kinds: [String] = []
    for page in report {
      for player in page["players"] as! [[String: Any]] {
        let kind = player["kind"] as! String
        kinds.append(kind)
        #expect(player["error"] is NSNull, "\(page["page"]!): \(player)")
        #expect((player["advanced"] as? Double ?? 0) > 0.3, "\(kind) on \(page["page"]!) plays: \(player)")
        if kind == "video" { #expect((player["videoWidth"] as? Int ?? 0) > 0) }
      }
    }
    #expect(kinds.sorted() == ["audio", "video", "video", "video"])
  }

  @Test func theMediaPagesPassTheNuHTMLChecker() throws {
    let g = try MediaGallery.exported()
    let checker = try Tool.checkHTML(root: g.site)
    #expect(checker.status == 0, "\(checker.output)")
  }
}
