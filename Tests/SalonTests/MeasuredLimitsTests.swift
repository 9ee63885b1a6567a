import Foundation
import MediaTools
import SampleContent
import Testing

/// Every limit holds on measured facts, for every file of its medium in every role: lengths come
/// from the packets (not the container's header), audio has its own limit, video frames meet the
/// pixel limit, and a file that failed at export is not paid for again. The real `salon` binary
/// on files ffmpeg (or this test) makes.
@Suite(.serialized) struct MeasuredLimitsTests {
  let scratch = Scratch()

  func initArchive(_ name: String, _ options: [String] = []) throws -> String {
    let archive = scratch.path(name)
    let made = try Binary.run(["init", "--title", "Limits", "--year", "2026", "--archive", archive] + options)
    #expect(made.status == 0, "\(made.stderr)")
    return archive
  }

  /// The report of each zip ingested, by id.
  func ingest(_ archive: String, _ paths: [String]) throws -> [String: [String: Any]] {
    let run = try Binary.run(["ingest"] + paths + ["--archive", archive, "--json"], timeout: 300)
    #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
    let submissions = (try Binary.json(run) as? [String: Any])?["submissions"] as? [[String: Any]] ?? []
    var byID: [String: [String: Any]] = [:]
    for submission in submissions { byID[submission["id"] as? String ?? ""] = submission }
    return byID
  }

  func problems(_ submission: [String: Any]?) -> [[String: Any]] {
    (submission?["problems"] as? [[String: Any]]) ?? []
  }

  func codes(_ submission: [String: Any]?) -> [String] { problems(submission).compactMap { $0["code"] as? String } }

  func file(_ submission: [String: Any]?, _ path: String) -> [String: Any]? {
    (submission?["files"] as? [[String: Any]])?.first { $0["path"] as? String == path }
  }

  /// A real 120 s H.264 stream in Matroska: tiny frames, five a second.
  func longMKV() -> [UInt8] {
    let path = scratch.path("long.mkv")
    MediaFixtures.make([
      "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=c=blue:s=64x64:r=5:d=120", "-c:v", "libx264",
      "-preset", "ultrafast", path,
    ])
    return Array(FileManager.default.contents(atPath: path)!)
  }

  @Test func aMainWorkOrSupplementOverTheVideoLimitIsRefusedNotOnlyAVideo() throws {
    let long = longMKV()
    let archive = try initArchive("archive")
    let main = scratch.zip("in/1.zip", [("1_main.mkv", long), ("1_description.pdf", Parts.description)])
    let supplement = scratch.zip(
      "in/2.zip",
      [("2_main.png", Parts.image), ("2_supplementary_1.mkv", long), ("2_description.pdf", Parts.description)])
    // The submission's video holding only sound: still the video, held to the video limit.
    let soundPath = scratch.path("sound.mp4")
    MediaFixtures.make([
      "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "sine=d=120", "-c:a", "aac", "-b:a", "16k", soundPath,
    ])
    let sound = scratch.zip(
      "in/3.zip",
      [
        ("3_video.mp4", Array(FileManager.default.contents(atPath: soundPath)!)),
        ("3_description.pdf", Parts.description),
      ])
    let reports = try ingest(archive, [main, supplement, sound])
    #expect(reports["1"]?["status"] as? String == "rejected")
    #expect(codes(reports["1"]) == ["video-too-long"], "\(problems(reports["1"]))")
    #expect(
      problems(reports["1"]).first?["message"] as? String
        == "The video \"1_main.mkv\" lasts 120 s; the call allows at most 60 s.")
    #expect(problems(reports["1"]).first?["file"] as? String == "1_main.mkv")
    #expect(codes(reports["2"]) == ["video-too-long"], "\(problems(reports["2"]))")
    #expect(problems(reports["2"]).first?["file"] as? String == "2_supplementary_1.mkv")
    #expect(codes(reports["3"]) == ["video-too-long"], "\(problems(reports["3"]))")
  }

  @Test func anMKVWhoseHeaderSays30SecondsIsMeasuredFromItsPackets() throws {
    // The Segment Info's Duration element (ID 0x4489, an 8-byte float of milliseconds) is
    // rewritten from 120000 to 30000: every packet stays, only the header lies.
    var bytes = longMKV()
    let marker: [UInt8] = [0x44, 0x89, 0x88]
    let at = try #require(
      (0..<(bytes.count - 11)).first { bytes[$0..<$0 + 3].elementsEqual(marker) }, "the MKV has a Duration")
    let before = (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[at + 3 + $1]) }
    #expect(Double(bitPattern: before) == 120_000, "ffmpeg wrote 120 s in the header")
    let forged = Double(30_000).bitPattern
    for index in 0..<8 { bytes[at + 3 + index] = UInt8(truncatingIfNeeded: forged >> (56 - 8 * UInt64(index))) }
    let lying = scratch.write("lying.mkv", bytes)
    let header = try Tool.run([
      "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", lying,
    ])
    #expect(Double(header.output.trimmingCharacters(in: .whitespacesAndNewlines)) == 30, "the header now says 30 s")

    let zip = scratch.zip("lie/1.zip", [("1_video.mkv", bytes), ("1_description.pdf", Parts.description)])
    let refused = try ingest(try initArchive("archive"), [zip])
    #expect(refused["1"]?["status"] as? String == "rejected")
    #expect(codes(refused["1"]) == ["video-too-long"], "\(problems(refused["1"]))")
    // Under a limit it meets, the catalog records the measured length, not the header's.
    let roomy = try initArchive("roomy", ["--max-video-seconds", "150"])
    let accepted = try ingest(roomy, [zip])
    #expect(accepted["1"]?["status"] as? String == "accepted", "\(problems(accepted["1"]))")
    let video = file(accepted["1"], "1_video.mkv")
    #expect(video?["duration"] as? Double == 120, "\(String(describing: video))")
    #expect(video?["container"] as? String == "matroska,webm")
    #expect(video?["codecs"] as? String == "h264")
    let shown = try Binary.run(["submissions", "show", "1", "--json", "--archive", roomy])
    #expect(shown.stdout.contains("\"codecs\" : \"h264\"") || shown.stdout.contains("\"codecs\":\"h264\""))
  }

  /// PCM WAV, 8-bit mono at `rate` Hz holding `samples` samples, whose header may claim more.
  static func wav(rate: Int, samples: Int, claimedSamples: Int? = nil) -> [UInt8] {
    func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    let claimed = claimedSamples ?? samples
    return Array("RIFF".utf8) + le32(36 + claimed) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
      + le32(rate) + le32(rate) + le16(1) + le16(8) + Array("data".utf8) + le32(claimed)
      + [UInt8](repeating: 128, count: samples)
  }

  @Test func aTinyWAVAtOneHertzLastingDaysIsRefusedQuicklyWithTheAudioCode() throws {
    let archive = scratch.path("archive")
    let made = try Binary.run(["init", "--title", "Limits", "--year", "2026", "--json", "--archive", archive])
    let limits = (try Binary.json(made) as? [String: Any])?["limits"] as? [String: Any]
    #expect(limits?["maxAudioSeconds"] as? Double == 600, "the audio limit is a setting: \(made.stdout)")
    // Two days of real samples (170 KB, a few hundred bytes zipped), and 3.6 KB whose header
    // claims 11.6 days but whose packets hold one hour.
    let days = scratch.zip(
      "wav/1.zip", [("1_main.wav", Self.wav(rate: 1, samples: 172_800)), ("1_description.pdf", Parts.description)])
    let lying = scratch.zip(
      "wav/2.zip",
      [
        ("2_main.png", Parts.image),
        ("2_supplementary_1.wav", Self.wav(rate: 1, samples: 3600, claimedSamples: 1_000_000)),
        ("2_description.pdf", Parts.description),
      ])
    #expect((try FileManager.default.attributesOfItem(atPath: days)[.size] as? Int ?? 0) < 8 * 1024)
    let start = Date()
    let reports = try ingest(archive, [days, lying])
    #expect(Date().timeIntervalSince(start) < 30, "refused without decoding days of sound")
    #expect(codes(reports["1"]) == ["audio-too-long"], "\(problems(reports["1"]))")
    #expect(
      problems(reports["1"]).first?["message"] as? String
        == "The audio \"1_main.wav\" lasts 172800 s; the call allows at most 600 s.")
    #expect(codes(reports["2"]) == ["audio-too-long"], "\(problems(reports["2"]))")
    // A limit set at `salon init` is the one applied.
    let hour = try initArchive("hour", ["--max-audio-seconds", "4000"])
    let kept = try ingest(hour, [lying])
    #expect(kept["2"]?["status"] as? String == "accepted", "\(problems(kept["2"]))")
    #expect(file(kept["2"], "2_supplementary_1.wav")?["duration"] as? Double == 3600, "measured, not 11.6 days")
    let refused = try Binary.run(["init", "--title", "X", "--max-audio-seconds", "0", "--archive", scratch.path("x")])
    #expect(refused.status == 64 && refused.stderr.contains("--max-audio-seconds takes a number from 1 to 86400"))
  }

  @Test func aVideoFrameOverThePixelLimitIsRefusedBeforeAnythingDecodesIt() throws {
    // One real 16000 × 16000 frame (256 megapixels, past the default 100), solid red in MJPEG.
    let path = scratch.path("huge.mkv")
    MediaFixtures.make([
      "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "color=c=red:s=16000x16000:r=1:d=1", "-frames:v", "1",
      "-c:v", "mjpeg", "-q:v", "31", "-pix_fmt", "yuvj420p", path,
    ])
    let bytes = Array(FileManager.default.contents(atPath: path)!)
    let zip = scratch.zip("big/1.zip", [("1_video.mkv", bytes), ("1_description.pdf", Parts.description)])
    let reports = try ingest(try initArchive("archive"), [zip])
    #expect(codes(reports["1"]) == ["video-frame-too-large"], "\(problems(reports["1"]))")
    #expect(
      problems(reports["1"]).first?["message"] as? String
        == "The video \"1_video.mkv\" has frames of 16000 × 16000 pixels; the call allows at most 100 megapixels.")
    let video = file(reports["1"], "1_video.mkv")
    #expect(video?["width"] as? Int == 16000 && video?["height"] as? Int == 16000)
  }

  @Test func anAnimationsFramesAreRecordedAtIngest() throws {
    let quiet = ["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=160x120:r=5:d=0.6"]
    MediaFixtures.make(quiet + ["-loop", "0", scratch.path("a.gif")])
    MediaFixtures.make(quiet + ["-loop", "0", "-c:v", "libwebp_anim", scratch.path("a.webp")])
    MediaFixtures.make(quiet + ["-plays", "0", "-f", "apng", scratch.path("a.png")])
    func bytes(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: scratch.path(name))!) }
    let zip = scratch.zip(
      "anim/1.zip",
      [
        ("1_main.gif", bytes("a.gif")), ("1_supplementary_1.webp", bytes("a.webp")),
        ("1_supplementary_2.png", bytes("a.png")), ("1_supplementary_3.png", Parts.image),
        ("1_description.pdf", Parts.description),
      ])
    let reports = try ingest(try initArchive("archive"), [zip])
    #expect(reports["1"]?["status"] as? String == "accepted", "\(problems(reports["1"]))")
    #expect(file(reports["1"], "1_main.gif")?["frames"] as? Int == 3)
    #expect(file(reports["1"], "1_main.gif")?["container"] as? String == "gif")
    #expect(file(reports["1"], "1_supplementary_1.webp")?["frames"] as? Int == 3)
    #expect(file(reports["1"], "1_supplementary_2.png")?["frames"] as? Int == 3)
    #expect(file(reports["1"], "1_supplementary_3.png")?["frames"] == nil, "a still PNG is no animation")
  }

  @Test func aFileThatFailedAtExportIsNotTriedAgainUntilTheOrganiserAsks() throws {
    // 20 s of 720p at 30 frames a second: seconds of processor time to transcode, far more
    // than the one second each export allows it.
    let heavy = scratch.path("heavy.mp4")
    MediaFixtures.make([
      "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=20", "-c:v", "libx264",
      "-preset", "ultrafast", "-crf", "45", heavy,
    ])
    let archive = try initArchive("archive")
    scratch.zip(
      "in/1.zip",
      [("1_video.mp4", Array(FileManager.default.contents(atPath: heavy)!)), ("1_description.pdf", Parts.description)])
    scratch.write(
      "form.csv",
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
        + "1,Heavy,Artist,a@private.example,Video,A statement.,,,no,,no,yes,yes,none,\n")
    let ingested = try Binary.run([
      "ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive,
    ])
    #expect(ingested.stdout.contains("1 accepted"), "\(ingested.stdout)")
    #expect(try Binary.run(["submissions", "decide", "1", "selected", "--archive", archive]).status == 0)

    func export(_ extra: [String] = []) throws -> [String: Any] {
      let run = try Binary.run(
        ["export", "-o", scratch.path("site"), "--json", "--media-time-limit", "1", "--archive", archive] + extra,
        timeout: 300)
      #expect(run.status == 0, "\(run.stderr)")
      return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    }
    func failures(_ report: [String: Any]) -> [[String: Any]] { report["failures"] as? [[String: Any]] ?? [] }

    let first = try export()
    #expect(failures(first).map { $0["code"] as? String } == ["media-over-limit"], "\(failures(first))")
    #expect(failures(first).first?["notRetried"] == nil, "tried this time")
    let recorded = FileManager.default.enumerator(atPath: archive + "/cache/failures")?.allObjects as? [String] ?? []
    #expect(recorded.contains { $0.hasSuffix(".json") }, "the failure is recorded in the cache: \(recorded)")

    // Again: listed with the same code and sentence, without running a tool on it.
    let start = Date()
    let second = try export()
    #expect(Date().timeIntervalSince(start) < 30)
    #expect(failures(second).map { $0["code"] as? String } == ["media-over-limit"])
    #expect(failures(second).first?["message"] as? String == failures(first).first?["message"] as? String)
    #expect(failures(second).first?["notRetried"] as? Bool == true, "\(failures(second))")
    #expect(second["derivativesMade"] as? Int == 0)
    #expect(second["mediaSecondsTranscoded"] as? Double == 0)
    let text = try Binary.run(["export", "-o", scratch.path("site"), "--media-time-limit", "1", "--archive", archive])
    #expect(text.stdout.contains("1_video.mp4: media-over-limit"), "\(text.stdout)")
    #expect(text.stdout.contains("not retried"), "\(text.stdout)")

    // Asked to, it tries again (and fails again, under the same limit).
    let retried = try export(["--retry-failed"])
    #expect(failures(retried).map { $0["code"] as? String } == ["media-over-limit"])
    #expect(failures(retried).first?["notRetried"] == nil, "tried again: \(failures(retried))")
  }
}

/// How ffprobe's packet lines become a length: the file's, from its earliest start to its
/// latest end.
@Suite struct MeasuredDurationTests {
  func measured(_ lines: [String], streams: Set<Int> = [0, 1], complete: Bool = true) -> MeasuredDuration {
    MeasuredDuration(packets: Data(lines.joined(separator: "\n").utf8), streams: streams, complete: complete)
  }

  @Test func theLastPacketsEndCountsAndAnEncodersPrimingDoesNot() {
    // AAC's priming packet starts before 0, and ffprobe adds a field to its line.
    let m = measured([
      "1,-0.023220,-0.023220,0.023220,", "0,0.000000,0.000000,0.500000", "0,61.000000,61.000000,0.500000",
      "1,61.486440,61.486440,0.013560",
    ])
    #expect(m.seconds.map { abs($0 - 61.5) < 1e-9 } == true)
    #expect(m.streams[0] == 61.5 && !m.isLowerBound)
  }

  @Test func aStreamThatStartsLateIsMeasuredFromItsStartAndOtherStreamsDoNotCount() {
    // MPEG-TS starts at 1.4 s; stream 2 (subtitles) is not audio or video.
    let m = measured([
      "0,1.400000,1.400000,0.040000", "0,11.360000,N/A,0.040000", "2,500.000000,500.000000,1.000000",
      "0,N/A,N/A,N/A", "0,12",
    ])
    #expect(m.seconds.map { abs($0 - 10) < 1e-9 } == true)
  }

  @Test func aPacketThatJumpsAheadIsSeenAndACutReadIsALowerBound() {
    #expect(measured(["0,0.0,0.0,0.04", "0,1000000.0,1000000.0,0.04"]).seconds == 1_000_000.04)
    #expect(measured(["0,0.0,0.0,1.0"], complete: false).isLowerBound)
    let many = (0..<MeasuredDuration.packetLimit).map { "0,\(Double($0) / 100),N/A,0.01" }
    #expect(measured(many).isLowerBound, "the read stopped at the packet limit")
    #expect(!measured(Array(many.dropLast())).isLowerBound)
    #expect(measured(["0,1e300,1e300,1", "0,nan,nan,1"]).seconds == nil, "no usable time")
  }
}
