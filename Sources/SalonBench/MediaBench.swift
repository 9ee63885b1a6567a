import Catalog
import Foundation
import Imaging
import MediaTools
import SampleContent
import Zip

/// The media figures of issue 11: a video through `salon export` against ffmpeg alone, the
/// probe's share of ingest, and a mixed call's export. Every fixture is made by ffmpeg here.
extension Bench {
  /// "0.42 0.51 0.60": the load average now, to say how busy the shared machine was.
  static func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
  }

  /// A note for one row: when, where and how busy, then what it measured.
  mutating func note(_ row: String, start load: String, _ text: String) {
    let when = ISO8601DateFormatter().string(from: Date())
    let end = Self.loadAverage()
    notes.append(
      "Row \(row), measured \(when) on \(machine()); load average \(load) at the start, "
        + "\(end) at the end (\(Self.company(load, end))). \(text)")
  }

  /// Whether the machine was the bench's alone, judged from load averages ("0.42 0.51 0.60")
  /// taken during the run: a one-minute load above the cores means something else wanted them.
  static func company(_ loads: String...) -> String {
    let busiest = loads.compactMap { $0.split(separator: " ").first.flatMap { Double($0) } }.max() ?? 0
    return busiest > Double(ProcessInfo.processInfo.activeProcessorCount) + 0.5
      ? "other work shared the machine" : "only the bench ran"
  }

  func archiveFor(_ name: String, zips: URL, form: String?, extra: [String] = []) throws -> String {
    let archive = path(name)
    remove(name)
    _ = try salonRun(["init", "--title", "Bench Media", "--year", "2026", "--archive", archive] + extra)
    // Room enough for the decode check of a 1080p minute on a busy machine: the figures are
    // about the export, not ingest's limits.
    _ = try salonRun(
      ["ingest", zips.path, "--media-time-limit", "600", "--archive", archive] + (form.map { ["--form", $0] } ?? []))
    let catalog = try SalonArchive.open(at: archive)
    let exhibition = try catalog.exhibition(slug: nil)
    for work in try catalog.works(exhibition: exhibition) {
      try catalog.decide(exhibition: exhibition, id: work.id, selected: true, note: nil)
    }
    return archive
  }

  static let mediaLimits = ["--max-video-seconds", "120", "--max-zip-mb", "1024", "--max-unpacked-mb", "2048"]

  // MARK: 7b. One 60 s 1080p video through `salon export` vs the same ffmpeg command run directly

  mutating func transcodeExport() throws {
    let seconds = quick ? 10 : 60
    let load = Self.loadAverage()
    say("7b. export of one work holding a \(seconds) s 1080p clip vs the web rendition's ffmpeg command run directly")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let clip = path("clip-\(seconds)s-1080p.mp4")
    if !FileManager.default.fileExists(atPath: clip) {
      try Data(try SampleClip.mp4(seconds: Double(seconds), width: 1920, height: 1080)).write(
        to: URL(fileURLWithPath: clip))
    }
    let zips = root.appendingPathComponent("clip-zips")
    try? FileManager.default.removeItem(at: zips)
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)
    let writer = try ZipWriter(path: zips.appendingPathComponent("1.zip").path, compress: false)
    try writer.add("1_main.mp4", contentsOf: clip)
    try writer.add("1_description.pdf", bytes: SampleMedia.pdf(pages: 1))
    try writer.close()
    try Data("id,title,rights,authorship\n1,Clip,yes,yes\n".utf8).write(
      to: URL(fileURLWithPath: path("clip-form.csv")))
    let archive = try archiveFor("clip-archive", zips: zips, form: path("clip-form.csv"), extra: Self.mediaLimits)
    let ours = try Measure.median(runs: mediaRuns, prepare: { remove("clip-site") }) {
      try salonRun(["export", "-o", path("clip-site"), "--archive", archive])
    }
    let folder = path("transcode")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let facts = try Sandbox().probe(clip, workingFolder: folder)
    let direct = VideoRendition(maxSide: 1280, hasAudio: facts.audio != nil).arguments(
      demuxer: facts.demuxer, folder: folder
    ).map { $0 == "file:" + Sandbox.inputPath ? "file:" + clip : $0 }
    let peer =
      try directTranscode
      ?? Measure.median(runs: mediaRuns) { try Measure.run([MediaTool.ffmpeg.path ?? "ffmpeg"] + direct) }
    let ratio = ours.seconds / peer.seconds
    rows.append(
      row(
        "7b",
        "`salon export` of one work holding a \(seconds) s 1080p H.264/AAC clip (probe, poster, web rendition, pages)",
        s(ours.seconds), "the rendition's `ffmpeg` command run directly: \(s(peer.seconds))",
        String(format: "%.2fx time", ratio), "≤ 1.05x", ratio <= 1.05))
    note(
      "7b", start: load,
      "The whole command on an archive holding only this work: it opens the catalog, probes the clip, "
        + "seeks a poster frame (one more ffmpeg run, with its brightness check) and makes its WebP and JPEG "
        + "sizes with libvips, transcodes in the sandbox, and writes the pages and the manifest; the peer "
        + "is row 7's ffmpeg command alone (row 7's own measurement when both run together). Median of "
        + "\(mediaRuns) run\(mediaRuns == 1 ? "" : "s"). CPU: Salon \(s(ours.cpuSeconds)), ffmpeg \(s(peer.cpuSeconds))."
    )
  }

  // MARK: 9. Ingest of 100 zips each holding a 30 s video: what the probe costs

  mutating func probeCost() throws {
    let count = quick ? 20 : 100
    let load = Self.loadAverage()
    say("9. ingest of \(count) zips each holding a 30 s video: the probe's cost per file beside the zip work")
    let videos = root.appendingPathComponent("probe-videos")
    let zips = root.appendingPathComponent("probe-zips")
    let seed = path("probe-seed-30s.mp4")
    if !FileManager.default.fileExists(atPath: seed) {
      try Data(try SampleClip.mp4(seconds: 30)).write(to: URL(fileURLWithPath: seed))
    }
    try FileManager.default.createDirectory(at: videos, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: zips)
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)
    var csv = "id,title,rights,authorship\n"
    var files: [String] = []
    for n in 0..<count {
      // The same encoded stream in a new container with its own title: a different file (and
      // SHA-256) each time, made in a moment, so nothing is shared between zips.
      let video = videos.appendingPathComponent("v\(n).mp4").path
      if !FileManager.default.fileExists(atPath: video) {
        let made = try Measure.run([
          MediaTool.ffmpeg.path ?? "ffmpeg", "-nostdin", "-v", "error", "-i", seed, "-c", "copy", "-metadata",
          "title=Video \(n)", "-y", video,
        ])
        guard made.status == 0 else { throw BenchError("ffmpeg could not remux the probe fixture") }
      }
      files.append(video)
      let writer = try ZipWriter(path: zips.appendingPathComponent("\(n).zip").path, compress: false)
      try writer.add("\(n)_video.mp4", contentsOf: video)
      try writer.add("\(n)_description.pdf", bytes: SampleMedia.pdf(pages: 1))
      try writer.close()
      csv += "\(n),Video \(n),yes,yes\n"
    }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path("probe-form.csv")))
    remove("probe-archive")
    _ = try salonRun(["init", "--title", "Probe", "--archive", path("probe-archive")] + Self.mediaLimits)
    let ingest = try salonRun([
      "ingest", zips.path, "--form", path("probe-form.csv"), "--media-time-limit", "600", "--archive",
      path("probe-archive"),
    ])
    guard ingest.status == 0 else { throw BenchError("the probe bench's ingest failed") }
    _ = try Measure.run(["cat"] + files)  // the page cache holds them for the peers too
    let ffprobe = MediaTool.ffprobe.path ?? "ffprobe"
    let probeArguments = [
      "-v", "error", "-hide_banner", "-protocol_whitelist", "file", "-format_whitelist", AllowedFormats.list,
      "-of", "json", "-show_format", "-show_streams",
    ]
    var probe = (seconds: 0.0, cpu: 0.0)
    var decode = (seconds: 0.0, cpu: 0.0)
    var provenance = (seconds: 0.0, cpu: 0.0)
    for file in files {
      let m = try Measure.run([ffprobe] + probeArguments + ["file:" + file])
      probe.seconds += m.seconds
      probe.cpu += m.cpuSeconds
      let check = DecodeCheck().arguments(demuxer: "mov", folder: path("transcode")).map {
        $0 == "file:" + Sandbox.inputPath ? "file:" + file : $0
      }
      let d = try Measure.run([MediaTool.ffmpeg.path ?? "ffmpeg"] + check)
      decode.seconds += d.seconds
      decode.cpu += d.cpuSeconds
      // exiftool as ingest runs it for provenance, on the file itself instead of its link.
      let read = ProvenanceRead(fileExtension: "mp4").arguments(demuxer: nil, folder: path("transcode")).dropLast()
      let e = try Measure.run([MediaTool.exiftool.path ?? "exiftool"] + Array(read) + [file])
      provenance.seconds += e.seconds
      provenance.cpu += e.cpuSeconds
    }
    let perZip = ingest.seconds / Double(count)
    let perProbe = probe.seconds / Double(count)
    let perDecode = decode.seconds / Double(count)
    rows.append(
      row(
        "9", "ingest \(count) zips each holding a 30 s 640×360 video and a description",
        String(format: "%.0f ms per zip (CPU %.0f ms)", perZip * 1000, ingest.cpuSeconds / Double(count) * 1000),
        String(
          format:
            "`ffprobe -of json` alone: %.0f ms per file (CPU %.0f ms); the 5 s decode check alone: %.0f ms; exiftool's provenance read alone: %.0f ms (CPU %.0f ms)",
          perProbe * 1000, probe.cpu / Double(count) * 1000, perDecode * 1000,
          provenance.seconds / Double(count) * 1000, provenance.cpu / Double(count) * 1000),
        String(format: "probe %.2fx of the zip's time", perProbe / perZip), "reported", true))
    note(
      "9", start: load,
      "One `salon ingest` of the \(count) zips (one run), divided by \(count); the peers are ffprobe with "
        + "Salon's own arguments, then ffmpeg with the decode check's arguments, each run directly on the same "
        + "\(count) files from the page cache, and exiftool with the provenance read's arguments. Salon's time per zip also holds the zip's copy and its SHA-256, "
        + "unpacking, the video's and the description's hashes, pdfinfo on the description, the sandbox "
        + "for four tools, the catalog and fsync.")
  }

  // MARK: 10. A mixed call of 200 works: first export and a re-export with nothing changed

  mutating func mixedExport() throws {
    let scale = quick ? 5 : 1
    let (images, videos, sounds, pdfs) = (100 / scale, 50 / scale, 30 / scale, 20 / scale)
    let total = images + videos + sounds + pdfs
    let load = Self.loadAverage()
    say("10. export of a mixed call of \(total) works (images, videos of 10–60 s, audio, PDFs), then again")
    let media = root.appendingPathComponent("mixed-media")
    let zips = root.appendingPathComponent("mixed-zips")
    try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(at: zips)
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)
    var csv = "id,title,artists,medium,rights,authorship\n"
    let seedPNG = path("mixed-seed.png")
    var videoSeconds = 0
    var soundSeconds = 0
    for n in 0..<total {
      let name: String
      let cached: URL
      let make: () throws -> [UInt8]
      let medium: String
      if n < images {
        name = "\(n)_main.jpg"
        cached = media.appendingPathComponent("i\(n).jpg")
        medium = "Visual art"
        make = {
          try Data(SampleMedia.png(width: 1600, height: 1200, seed: n)).write(to: URL(fileURLWithPath: seedPNG))
          return try Imaging.jpegPreview(of: seedPNG, width: 1600, maxPixels: 10_000_000)
        }
      } else if n < images + videos {
        // 10 to 60 s, spread evenly.
        let seconds = 10 + (n - images) * 50 / max(1, videos - 1)
        videoSeconds += seconds
        name = "\(n)_main.mp4"
        cached = media.appendingPathComponent("v\(n)-\(seconds)s.mp4")
        medium = "Film"
        make = { try SampleClip.mp4(seconds: Double(seconds), frequency: 200 + n) }
      } else if n < images + videos + sounds {
        let seconds = 10 + (n - images - videos) * 50 / max(1, sounds - 1)
        soundSeconds += seconds
        name = "\(n)_main.mp3"
        cached = media.appendingPathComponent("a\(n)-\(seconds)s.mp3")
        medium = "Music"
        make = { try SampleClip.mp3(seconds: Double(seconds), frequency: 200 + n) }
      } else {
        name = "\(n)_main.pdf"
        cached = media.appendingPathComponent("p\(n).pdf")
        medium = "Writing"
        make = { SampleMedia.pdf(pages: 1 + n % 5, title: "Score \(n)") }
      }
      if !FileManager.default.fileExists(atPath: cached.path) { try Data(try make()).write(to: cached) }
      let writer = try ZipWriter(path: zips.appendingPathComponent("\(n).zip").path, compress: false)
      try writer.add(name, contentsOf: cached.path)
      try writer.add("\(n)_description.pdf", bytes: SampleMedia.pdf(pages: 1, title: "About work \(n)"))
      try writer.close()
      csv += "\(n),Work \(n),Artist \(n),\(medium),yes,yes\n"
    }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path("mixed-form.csv")))
    let archive = try archiveFor("mixed-archive", zips: zips, form: path("mixed-form.csv"), extra: Self.mediaLimits)
    remove("mixed-site")
    let first = try Measure.run(
      [salon, "export", "-o", path("mixed-site"), "--json", "--archive", archive],
      environment: ["SALON_ACTOR": "bench"], output: path("mixed-report.json"), sampleTree: true)
    guard first.status == 0 else { throw BenchError("the mixed export failed") }
    let report =
      (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("mixed-report.json")))))
      as? [String: Any]
    let failures = (report?["failures"] as? [Any])?.count ?? -1
    let again = try Measure.median(runs: mediaRuns) {
      try salonRun(["export", "-o", path("mixed-site"), "--archive", archive])
    }
    let mix =
      "\(images) images, \(videos) videos of 10–60 s (\(videoSeconds) s), \(sounds) audio (\(soundSeconds) s), \(pdfs) PDFs"
    rows.append(
      row(
        "10a", "first export of a mixed call of \(total) works: \(mix)",
        String(
          format: "%@ wall, CPU %@; peak memory: salon %.0f MB, largest tool %.0f MB, all at once %.0f MB",
          s(first.seconds), s(first.cpuSeconds), first.selfPeakMB, first.peakMemoryMB, first.treePeakMB),
        "—", "—", "reported (\(failures) failures)", failures == 0))
    rows.append(
      row(
        "10b", "re-export of the same \(total) works, nothing changed", s(again.seconds), "—", "—", "< 1 s",
        again.seconds < 1))
    note(
      "10a", start: load,
      "One run of `salon export` on a fresh site. Memory: salon's own peak resident set (VmHWM, sampled "
        + "every 50 ms), the largest single process among salon and the tools it ran (wait4's maximum "
        + "resident set, which covers reaped children), and the most resident memory salon and its running "
        + "tools held together (sampled every 50 ms over the process tree). CPU is user + system of salon "
        + "and every tool it ran.")
  }
}
