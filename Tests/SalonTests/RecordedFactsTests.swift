import Foundation
import SQLite
import SampleContent
import Testing

@testable import MediaTools

/// A call of a phone's video (shot sideways), an animated GIF and a still GIF, ingested by the
/// real binary; its export is run under strace to see every program it starts.
struct FactsCall {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var site: String { scratch.path("site") }
  var catalog: String { archive + "/salon.sqlite" }

  init() throws {
    let still = scratch.path("still.gif")
    let made = try Tool.run([
      "ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=96x64:r=5:d=1", "-frames:v", "1",
      still,
    ])
    #expect(made.status == 0, "\(made.output)")
    #expect(try Binary.run(["init", "--title", "Facts Salon", "--year", "2026", "--archive", archive]).status == 0)
    let works: [(String, String, [UInt8])] = [
      ("1", "1_main.mov", MediaFixtures.bytes("phone.mov")), ("2", "2_main.gif", MediaFixtures.bytes("animated.gif")),
      ("3", "3_main.gif", Array(FileManager.default.contents(atPath: still)!)),
    ]
    var form =
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
    for (id, name, bytes) in works {
      scratch.zip("in/\(id).zip", [(name, bytes), ("\(id)_description.pdf", SampleMedia.pdf(pages: 1))])
      form += "\(id),Work \(id),Artist \(id),a\(id)@private.example,Medium \(id),A statement.,,,no,,no,yes,yes,none,\n"
    }
    scratch.write("form.csv", form)
    let ingest = try Binary.run([
      "ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive,
    ])
    #expect(ingest.stdout.contains("3 zips: 3 accepted"), "\(ingest.stdout)\(ingest.stderr)")
    for (id, _, _) in works {
      #expect(try Binary.run(["submissions", "decide", id, "selected", "--archive", archive]).status == 0)
    }
  }

  /// The facts recorded for each file of the catalog, by its name in the zip.
  func recorded() throws -> [String: String?] {
    let database = try Database(path: catalog)
    var facts: [String: String?] = [:]
    for row in try database.query("SELECT path, facts FROM version_file") {
      facts[try row.string("path")] = try row.optionalString("facts")
    }
    return facts
  }

  /// `salon export --json` under `strace -f -e trace=execve`: its report, and the path of every
  /// program it or its children started.
  func tracedExport() throws -> (report: [String: Any], programs: [String]) {
    let trace = scratch.path("execve.trace")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
    process.arguments = [
      "-f", "-qq", "-e", "trace=execve", "-o", trace, Binary.url.path, "export", "-o", site, "--json", "--archive",
      archive,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    // `1234 execve("/usr/bin/bwrap", [...]) = 0`: the program, then its arguments (a tool that
    // bubblewrap starts is named among them too, and then execve'd inside the sandbox).
    let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: trace)), as: UTF8.self)
      .split(separator: "\n").filter { $0.contains("execve(") }
    return (report, lines.map(String.init))
  }

  func page(_ id: String) -> String {
    String(
      decoding: FileManager.default.contents(atPath: site + "/facts-salon-2026/works/\(id).html") ?? Data(),
      as: UTF8.self)
  }

  /// The published video, its poster and the animation are what export always made.
  func expectPublishedMedia(_ report: [String: Any]) throws {
    #expect((report["failures"] as? [Any])?.isEmpty == true, "\(report["failures"] ?? "")")
    let files = GalleryFixture.files(in: site).keys
    let videos = files.filter { $0.hasSuffix(".mp4") }
    #expect(videos.count == 2, "one video and one animation: \(videos)")
    let sandbox = Sandbox()
    let scratchFolder = Scratch()
    for video in videos {
      let facts = try sandbox.probe(site + "/" + video, workingFolder: scratchFolder.url.path)
      #expect(facts.demuxer == "mov" && facts.video?.codec == "h264")
      if video.contains("-anim-") {
        #expect(facts.audio == nil, "an animation is muted")
        #expect(facts.displaySize?.width == 160 && facts.displaySize?.height == 120, "never upscaled")
      } else {
        #expect(facts.audio?.codec == "aac")
        // The recorded rotation is applied: the phone's video stands upright.
        #expect(facts.displaySize?.width == 240 && facts.displaySize?.height == 320)
      }
    }
    #expect(page("1").contains(#"width="240" height="320""#))
    #expect(page("2").contains(#"width="160" height="120""#))
    #expect(page("2").contains(#"class="animation""#) || page("2").contains("-anim-"))
    for id in ["1", "2"] {
      let html = page(id)
      let poster = try #require(html.range(of: #"poster="../../([^"]+)""#, options: .regularExpression))
      let path = html[poster].dropFirst(#"poster="../../"#.count).dropLast()
      #expect(FileManager.default.fileExists(atPath: site + "/" + path), "the poster of work \(id) exists")
    }
    // The still GIF is a picture, not an animation.
    #expect(page("3").contains("<picture>") && !page("3").contains("-anim-") && !page("3").contains("<video"))
  }
}

@Suite(.serialized) struct RecordedFactsTests {
  @Test func ingestRecordsTheFactsAndExportNeverProbesOrSniffsAgain() throws {
    let call = try FactsCall()
    let recorded = try call.recorded()
    let video = try #require(RecordedFacts(json: recorded["1_main.mov"] ?? nil)?.probe)
    #expect(video.demuxer == "mov" && video.video?.codec == "h264" && video.video?.rotation == 90)
    #expect(video.audio?.codec == "aac")
    let animation = try #require(RecordedFacts(json: recorded["2_main.gif"] ?? nil)?.probe)
    #expect(animation.demuxer == "gif" && animation.video?.packets == 3)
    #expect(RecordedFacts(json: recorded["3_main.gif"] ?? nil)?.probe?.video?.packets == 1)
    // A file with nothing to probe is recorded too: ingest looked, so export need not.
    #expect(RecordedFacts(json: recorded["1_description.pdf"] ?? nil) == RecordedFacts())

    let (report, programs) = try call.tracedExport()
    #expect(programs.contains { $0.contains("ffmpeg") }, "ffmpeg made the renditions")
    #expect(!programs.contains { $0.contains("ffprobe") }, "export read the recorded facts: \(programs)")
    try call.expectPublishedMedia(report)

    // A merged work's new version keeps what ingest learnt of its files.
    let merge = try Binary.run(["submissions", "merge", "3", "--into", "2", "--archive", call.archive])
    #expect(merge.status == 0, "\(merge.stderr)")
    let copies = try Database(path: call.catalog).query("SELECT facts FROM version_file WHERE path = '3_main.gif'")
      .map { try $0.optionalString("facts") }
    #expect(copies.count == 2 && copies[0] != nil && copies[0] == copies[1], "\(copies)")
  }

  /// An archive ingested before facts were recorded has none: export reads the files as it
  /// always did, and publishes the same.
  @Test func filesWithoutRecordedFactsAreProbedAsBefore() throws {
    let call = try FactsCall()
    let database = try Database(path: call.catalog)
    try database.execute("UPDATE version_file SET facts = NULL")
    #expect(try call.recorded().values.allSatisfy { $0 == nil })

    let (report, programs) = try call.tracedExport()
    #expect(programs.contains { $0.contains("ffprobe") }, "without facts, export probes")
    try call.expectPublishedMedia(report)
  }

  @Test func recordedFactsStayBoundedWhateverTheFileDeclared() throws {
    func stream(_ index: Int, _ kind: MediaFacts.Stream.Kind, attached: Bool = false) -> MediaFacts.Stream {
      MediaFacts.Stream(
        index: index, kind: kind, codec: String(repeating: "c", count: 10_000), width: 16, height: 16, rotation: 0,
        frameRate: 25, duration: 1, isAttachedPicture: attached, packets: nil)
    }
    // Fifty data streams and a cover picture before the picture and the sound.
    let streams =
      (0..<50).map { stream($0, .data) } + [stream(50, .video, attached: true), stream(51, .video), stream(52, .audio)]
    let facts = MediaFacts(
      container: String(repeating: "mov,", count: 5_000), demuxer: "mov", duration: 1, streams: streams)
    let recorded = RecordedFacts(probe: facts)
    let kept = try #require(recorded.probe)
    #expect(kept.streams.count == RecordedFacts.streamLimit)
    #expect(kept.video?.index == 51 && kept.audio?.index == 52, "the streams every later stage uses are kept")
    #expect(kept.streams.allSatisfy { $0.codec.count == RecordedFacts.nameLimit })
    #expect(kept.container.count == RecordedFacts.nameLimit)
    let json = try #require(recorded.json)
    #expect(json.utf8.count < 8_000)
    #expect(RecordedFacts(json: json) == recorded)
    // What the catalog holds is checked again when read: garbage, a demuxer the call does not
    // allow, or a record far too long is no record (the file is read again).
    #expect(RecordedFacts(json: "not json") == nil)
    #expect(RecordedFacts(json: nil) == nil)
    #expect(
      RecordedFacts(json: json.replacingOccurrences(of: #""demuxer":"mov""#, with: #""demuxer":"concat""#)) == nil)
    #expect(RecordedFacts(json: "{" + String(repeating: " ", count: 20_000) + "}") == nil)
    #expect(RecordedFacts(json: "{}") == RecordedFacts())
  }
}
