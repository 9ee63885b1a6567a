import Catalog
import Export
import Foundation
import Hashing
import Imaging
import Jury
import MediaTools
import SampleContent
import Zip

/// `make bench`: Salon beside the tool an organiser would use instead, measured in the same run
/// on the same machine, written to BENCHMARKS.md.
@main
struct SalonBench {
  static func main() {
    do {
      let arguments = Array(CommandLine.arguments.dropFirst())
      if arguments.first == "hash", arguments.count == 2 {
        // The SHA-256 code path ingest uses, over one file, as its own process.
        print(try hash(arguments[1]))
        return
      }
      var bench = try Bench(arguments: arguments)
      if arguments.first == "transcode" {
        // Row 7 alone, printed: the sandbox's overhead without the whole run.
        try bench.transcode()
        print(bench.rows.joined(separator: "\n"))
        return
      }
      if arguments.first == "triage" {
        // Row 8c alone (issue 23's triage at scale), written to bench-out/triage.md.
        let sizes = arguments.dropFirst().first?.split(separator: ",").compactMap { Int($0) } ?? [10_000, 100_000]
        try bench.triage(sizes: sizes)
        print((try? String(contentsOfFile: bench.path("triage.md"), encoding: .utf8)) ?? "")
        return
      }
      if arguments.first == "room" {
        // Row 8 alone, printed.
        try bench.juryRoom()
        print(bench.rows.joined(separator: "\n"))
        return
      }
      try bench.run()
    } catch {
      FileHandle.standardError.write(Data("salon-bench: \(error)\n".utf8))
      exit(1)
    }
  }

  static func hash(_ path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot read \(path)") }
    let hasher = SHA256Hasher()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try hasher.update(chunk) }
    return try hasher.finalize()
  }
}

struct Bench {
  let root: URL
  let salon: String
  let me: String
  let quick: Bool
  /// `--standings-only`: rows 5 and 5b, printed, without rewriting BENCHMARKS.md.
  let standingsOnly: Bool
  var rows: [String] = []
  var notes: [String] = []
  /// Call sizes for the growth section (`--growth 1000,10000` to choose; `--growth-only` runs just it).
  let growthSizes: [Int]
  let growthOnly: Bool
  var growthSection = ""
  /// `--gallery-only`: rows 3a–4 (the image export beside sigal and vipsthumbnail) measured
  /// alone and replaced in BENCHMARKS.md, the rest kept; `--runs N` sets their repetitions.
  let galleryOnly: Bool
  let exportRuns: Int
  /// `--works N`: how many image works rows 3a–4 export (default 1,000; 200 with `--quick`).
  let galleryWorks: Int?
  var exportNote = ""
  /// `--sections transcode,probe,mixed`: only those sections, their rows (and notes) replaced in
  /// BENCHMARKS.md and the rest of it kept.
  let sections: [String]
  /// `--runs N`: measurements per figure in the media sections (default 3), for a quick look.
  let mediaRuns: Int
  /// Row 7's direct ffmpeg run, reused by row 7b (the very same command on the same clip).
  var directTranscode: Measurement?
  static let sectionNames = [
    "ingest-large", "hashing", "export", "standings", "batch", "transcode", "transcode-export", "probe", "mixed",
    "room", "confinement", "distributed", "growth", "photo-export",
  ]

  init(arguments: [String]) throws {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    salon = folder.appendingPathComponent("salon").path
    me = CommandLine.arguments[0]
    quick = arguments.contains("--quick")
    standingsOnly = arguments.contains("--standings-only")
    growthOnly = arguments.contains("--growth-only")
    galleryOnly = arguments.contains("--gallery-only")
    if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count, let n = Int(arguments[index + 1]),
      (1...9).contains(n)
    {
      exportRuns = n
    } else {
      exportRuns = 3
    }
    if let index = arguments.firstIndex(of: "--works"), index + 1 < arguments.count,
      let n = Int(arguments[index + 1]), (10...100_000).contains(n)
    {
      galleryWorks = n
    } else {
      galleryWorks = nil
    }
    if let index = arguments.firstIndex(of: "--growth"), index + 1 < arguments.count {
      growthSizes = arguments[index + 1].split(separator: ",").compactMap { Int($0) }.filter {
        (1...1_000_000).contains($0)
      }
    } else {
      growthSizes = quick ? [200, 2000] : [1000, 10_000, 100_000]
    }
    if let index = arguments.firstIndex(of: "--sections"), index + 1 < arguments.count {
      sections = arguments[index + 1].split(separator: ",").map(String.init)
      let unknown = sections.filter { !Self.sectionNames.contains($0) }
      guard unknown.isEmpty else {
        throw BenchError(
          "unknown section \(unknown.joined(separator: ", ")); sections: \(Self.sectionNames.joined(separator: ", "))")
      }
    } else {
      sections = []
    }
    if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count, let runs = Int(arguments[index + 1])
    {
      mediaRuns = min(max(runs, 1), 9)
    } else {
      mediaRuns = 3
    }
    root = URL(fileURLWithPath: "bench-out").standardizedFileURL
    guard FileManager.default.isExecutableFile(atPath: salon) else { throw BenchError("build salon first (\(salon))") }
  }

  func path(_ name: String) -> String { root.appendingPathComponent(name).path }
  func say(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
  func remove(_ name: String) { try? FileManager.default.removeItem(atPath: path(name)) }

  func salonRun(_ arguments: [String], output: String = "/dev/null") throws -> Measurement {
    try Measure.run([salon] + arguments, environment: ["SALON_ACTOR": "bench"], output: output)
  }

  mutating func run() throws {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    if standingsOnly {
      try standings()
      print(rows.joined(separator: "\n"))
      return
    }
    if growthOnly {
      try growth(sizes: growthSizes)
      try replaceGrowthSection()
      return
    }
    if galleryOnly {
      try export()
      try replaceExportRows()
      return
    }
    if !sections.isEmpty {
      // Written after each section, so a long run that stops keeps what it measured.
      for section in sections {
        try run(section: section)
        try mergeReport()
      }
      return
    }
    for section in Self.sectionNames { try run(section: section) }
    try writeReport()
  }

  mutating func run(section: String) throws {
    switch section {
    case "ingest-large": try ingestLarge()
    case "hashing": try hashing()
    case "export": try export()
    case "standings": try standings()
    case "batch": try ingestBatch()
    case "transcode": try transcode()
    case "transcode-export": try transcodeExport()
    case "probe": try probeCost()
    case "mixed": try mixedExport()
    case "room": try juryRoom()
    case "confinement": try confinementCost()
    case "distributed": try distributed()
    case "photo-export": try photoExport()
    case "growth":
      try growth(sizes: growthSizes)
      if !sections.isEmpty { try replaceGrowthSection() }
    default: throw BenchError("unknown section \(section)")
    }
  }

  // MARK: 2. SHA-256 throughput vs openssl dgst

  mutating func hashing() throws {
    say("2. SHA-256 throughput vs openssl dgst -sha256")
    let file = path("hash.bin")
    let size = quick ? 256 << 20 : 1 << 30
    if (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue != size {
      FileManager.default.createFile(atPath: file, contents: nil)
      let handle = FileHandle(forWritingAtPath: file)!
      let block = Data(SampleMedia.pseudoRandomBytes(8 << 20, seed: 5))
      for _ in 0..<(size / (8 << 20)) { handle.write(block) }
      try handle.close()
    }
    _ = try Measure.run(["cat", file])  // warm the page cache for both
    let ours = try Measure.median(runs: 5) { try Measure.run([me, "hash", file]) }
    let peer = try Measure.median(runs: 5) { try Measure.run(["openssl", "dgst", "-sha256", file]) }
    let oursRate = Double(size) / ours.seconds / 1e6
    let peerRate = Double(size) / peer.seconds / 1e6
    rows.append(
      row(
        "2", "SHA-256 of a \(mb(size)) file", String(format: "%.0f MB/s", oursRate),
        String(format: "`openssl dgst -sha256`: %.0f MB/s", peerRate),
        String(format: "%.2fx throughput", oursRate / peerRate),
        "≥ 0.9x", oursRate / peerRate >= 0.9))
  }

  // MARK: 3–4. Export of 1,000 image works vs sigal; derivatives vs vipsthumbnail; re-export

  /// 3000 × 2250 originals, so every width the export makes (2400 px for the viewer included)
  /// is a real reduction, as it is for a camera's or a scanner's files.
  static let originalSize = (width: 3000, height: 2250)

  mutating func export() throws {
    let count = galleryWorks ?? (quick ? 200 : 1000)
    let widths = Exporter.widths
    let loadBefore = Self.loadAverage()
    say("3. export of \(count) image works vs sigal, derivatives vs vipsthumbnail; 4. re-export")
    // Originals are made once into a pool; each size of run links its first `count` of them.
    let pool = root.appendingPathComponent("images-\(Self.originalSize.width)")
    let images = root.appendingPathComponent("images-\(Self.originalSize.width)-\(count)")
    let zips = root.appendingPathComponent("image-zips-\(Self.originalSize.width)-\(count)")
    for folder in [pool, images, zips] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    var csv = "id,title,artists,medium,rights,authorship\n"
    // Each original is a different window of one larger picture with grain: distinct files
    // (the archive stores identical ones once), made by `vips crop` in a fraction of the time
    // drawing each would take.
    let spare = (width: 1000, height: 750)
    let name = { (n: Int) in String(format: "work-%04d.jpg", n) }
    if (0..<count).contains(where: {
      !FileManager.default.fileExists(atPath: pool.appendingPathComponent(name($0)).path)
    }) {
      let texture = path("texture-\(Self.originalSize.width).png")
      try Data(
        Self.photoLikePNG(
          width: Self.originalSize.width + spare.width, height: Self.originalSize.height + spare.height, seed: 1)
      ).write(to: URL(fileURLWithPath: texture))
      _ = try Measure.run(["vips", "copy", texture, path("texture.v")])
    }
    var originalBytes = 0
    for n in 0..<count {
      let original = pool.appendingPathComponent(name(n)).path
      if !FileManager.default.fileExists(atPath: original) {
        if n % 100 == 0 { say("   making original \(n + 1) of \(count)") }
        let crop = try Measure.run([
          "vips", "crop", path("texture.v"), original + "[Q=85]", String(n * 37 % spare.width),
          String(n * 53 % spare.height), String(Self.originalSize.width), String(Self.originalSize.height),
        ])
        guard crop.status == 0 else { throw BenchError("vips crop failed for original \(n)") }
      }
      let jpegPath = images.appendingPathComponent(name(n)).path
      if !FileManager.default.fileExists(atPath: jpegPath) {
        try FileManager.default.linkItem(atPath: original, toPath: jpegPath)
      }
      if !FileManager.default.fileExists(atPath: zips.appendingPathComponent("\(n).zip").path) {
        let writer = try ZipWriter(path: zips.appendingPathComponent("\(n).zip").path, compress: false)
        try writer.add("\(n)_main.jpg", contentsOf: jpegPath)
        try writer.add("\(n)_description.pdf", bytes: SampleMedia.pdf(pages: 1))
        try writer.close()
      }
      originalBytes += (try? FileManager.default.attributesOfItem(atPath: jpegPath)[.size] as? Int) ?? 0
      csv += "\(n),Work \(n),Artist \(n),\(["Visual art", "Photography", "Film stills"][n % 3]),yes,yes\n"
    }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path("image-form.csv")))
    let archive = path("image-archive")
    remove("image-archive")
    _ = try salonRun(["init", "--title", "Bench Gallery", "--year", "2026", "--archive", archive])
    _ = try salonRun(["ingest", zips.path, "--form", path("image-form.csv"), "--archive", archive])
    _ = try salonRun(["submissions", "decide", "--all-accepted", "--archive", archive])

    say("   salon export")
    let ours = try Measure.median(runs: exportRuns, prepare: { remove("site") }) {
      try salonRun(["export", "-o", path("site"), "--archive", archive])
    }
    let siteBytes = Self.folderBytes(path("site"))
    // sigal at the viewer's size: one JPEG fitted in 2400 × 1800 and a thumbnail per image.
    let sigalConfig = path("sigal.conf.py")
    try Data(
      "source = 'images'\ndestination = 'sigal-out'\nuse_orig = False\nwrite_html = True\nimg_size = (2400, 1800)\n"
        .utf8
    )
    .write(to: URL(fileURLWithPath: sigalConfig))
    say("   sigal build")
    let peer = try Measure.median(runs: exportRuns, prepare: { remove("sigal-out") }) {
      try Measure.run([
        "sigal", "build", "-c", sigalConfig, "--ncpu", String(ProcessInfo.processInfo.activeProcessorCount),
        images.path, path("sigal-out"),
      ])
    }
    let sigalBytes = Self.folderBytes(path("sigal-out"))
    let sizes = widths.map { "\($0)" }.joined(separator: ", ")
    rows.append(
      row(
        "3a", "export \(count) image works from 3000 × 2250 originals (WebP + JPEG at \(sizes) px)",
        s(ours.seconds), "`sigal build` (JPEG at 2400 px and a thumbnail): \(s(peer.seconds))",
        String(format: "%.2fx time", ours.seconds / peer.seconds), "faster than sigal (< 1x)",
        ours.seconds < peer.seconds))

    // Derivative throughput: vipsthumbnail writes the same widths and formats, with the same
    // qualities and metadata stripped, one process per core over its share of the originals.
    // Salon's rate includes everything else an export does (pages, search index, checks).
    let list = (try FileManager.default.contentsOfDirectory(atPath: images.path)).sorted().map {
      images.appendingPathComponent($0).path
    }
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    let out = path("vipsthumbnail-out")
    var script = "set -e\n"
    for core in 0..<cores {
      let share = stride(from: core, to: list.count, by: cores).map { "'\(list[$0])'" }.joined(separator: " ")
      let commands = widths.flatMap { w in
        [
          "vipsthumbnail -s \(w)x\(w * 4) -o '\(out)/%s-\(w).jpg[Q=82,strip]' \(share)",
          "vipsthumbnail -s \(w)x\(w * 4) -o '\(out)/%s-\(w).webp[Q=80,strip]' \(share)",
        ]
      }
      script += "( \(commands.joined(separator: " && ")) ) &\n"
    }
    script += "wait\n"
    try Data(script.utf8).write(to: URL(fileURLWithPath: path("vipsthumbnail.sh")))
    say("   vipsthumbnail")
    let thumbs = try Measure.median(
      runs: exportRuns,
      prepare: {
        remove("vipsthumbnail-out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
      }
    ) { try Measure.run(["sh", path("vipsthumbnail.sh")]) }
    let made = (try? FileManager.default.contentsOfDirectory(atPath: out).count) ?? 0
    guard made == count * widths.count * 2 else {
      throw BenchError("vipsthumbnail wrote \(made) files, not \(count * widths.count * 2)")
    }
    let oursRate = Double(count) / ours.seconds
    let peerRate = Double(count) / thumbs.seconds
    rows.append(
      row(
        "3b", "derivative throughput (originals per second, \(widths.count * 2) derivatives each)",
        String(format: "%.1f images/s (whole export)", oursRate),
        String(format: "`vipsthumbnail`, same widths and formats, %d in parallel: %.1f images/s", cores, peerRate),
        String(format: "%.2fx throughput", oursRate / peerRate), "≥ 0.8x", oursRate / peerRate >= 0.8))
    rows.append(
      row(
        "3c", "site size per work",
        String(format: "%.2f MB (all sizes and pages)", Double(siteBytes) / Double(count) / 1_048_576),
        String(format: "sigal: %.2f MB", Double(sigalBytes) / Double(count) / 1_048_576),
        String(format: "%.2fx size", Double(siteBytes) / Double(max(1, sigalBytes))), "reported", true))

    let again = try Measure.median(runs: 5) { try salonRun(["export", "-o", path("site"), "--archive", archive]) }
    rows.append(
      row("4", "re-export \(count) works, nothing changed", s(again.seconds), "—", "—", "< 1 s", again.seconds < 1))
    exportNote = """
      Row 3: \(count) generated originals of \(Self.originalSize.width) × \(Self.originalSize.height) px \
      (windows of one gradient with grain, JPEG quality 85, \
      \(String(format: "%.1f", Double(originalBytes) / Double(count) / 1_048_576)) MB each); \
      median of \(exportRuns) run\(exportRuns == 1 ? "" : "s"); load average \(loadBefore) at the start and \
      \(Self.loadAverage()) at the end (a load well above the 2 cores means other work shared them; the \
      ratios come from the same run). Salon writes WebP (quality 80) and JPEG (quality 82) at \
      \(sizes) px for each image, decoding each original once, plus every page. sigal (PyPI) builds its \
      default gallery with `img_size = (2400, 1800)`: one JPEG and one thumbnail per image. \
      `vipsthumbnail` writes the same \(widths.count * 2) files per image as Salon, one command per \
      width and format, so it decodes each original \(widths.count * 2) times (with JPEG shrink-on-load).
      """
  }

  /// A photograph's worth of detail: a gradient with grain, so JPEG and WebP have real work to
  /// do (a flat gradient compresses to almost nothing).
  static func photoLikePNG(width: Int, height: Int, seed: Int) -> [UInt8] {
    var random = SeededRandom(seed: UInt64(seed) &+ 1)
    var raw = [UInt8](repeating: 0, count: (width * 3 + 1) * height)
    var i = 0
    for y in 0..<height {
      raw[i] = 0
      i += 1
      for x in 0..<width {
        let grain = random.next()
        let red = x * 255 / max(1, width - 1) + seed * 37
        let green = y * 255 / max(1, height - 1) + seed * 11
        let blue = (x + y) * 127 / max(1, width + height - 2) + seed * 71
        raw[i] = UInt8(clamping: (red & 0xFF) + Int(grain & 0x1F) - 16)
        raw[i + 1] = UInt8(clamping: (green & 0xFF) + Int((grain >> 8) & 0x1F) - 16)
        raw[i + 2] = UInt8(clamping: (blue & 0xFF) + Int((grain >> 16) & 0x1F) - 16)
        i += 3
      }
    }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let typed = Array(type.utf8) + data
      return SampleMedia.bigEndian32(data.count) + typed + SampleMedia.bigEndian32(Int(SampleMedia.crc32(typed)))
    }
    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    png += chunk("IHDR", SampleMedia.bigEndian32(width) + SampleMedia.bigEndian32(height) + [8, 2, 0, 0, 0])
    png += chunk("IDAT", SampleMedia.zlibStored(raw))
    png += chunk("IEND", [])
    return png
  }

  // MARK: 5. Standings for 10,000 works with 5 jurors each

  mutating func standings() throws {
    let works = quick ? 2000 : 10_000
    say("5. standings for \(works) works with 5 jurors each")
    let archivePath = path("standings-archive")
    remove("standings-archive")
    let archive = try SalonArchive.open(at: archivePath, create: true)
    let exhibition = try archive.createExhibition(NewExhibition(title: "Standings", year: 2026))
    let zip = try archive.makeTemporaryFile()
    try Array("placeholder".utf8).withUnsafeBytes { try zip.write($0) }
    let kept = try archive.keep([zip])[0]
    var verdict = Verdict()
    verdict.files = []
    var declarations = Declarations()
    declarations.rightsGranted = .yes
    for n in 0..<works {
      declarations.title = "Work \(n)"
      _ = try archive.recordVersion(
        exhibition: exhibition, key: String(n), zipName: "\(n).zip", zip: kept, verdict: verdict,
        declarations: declarations)
    }
    let jury = Jury(archive: archive, exhibition: exhibition)
    for name in ["Ann", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo"] {
      try jury.addJuror(name: name, email: nil)
    }
    _ = try jury.assign(perWork: 5, seed: 1)
    var random = SystemRandomNumberGenerator()
    var entries: [(place: String, entry: ScoreEntry)] = []
    // What each juror's sheet lists, as `salon jury sheet` does.
    for juror in try jury.jurors() {
      for work in try jury.assignedWorks(juror) {
        let values = [
          "merit": Int.random(in: 1...10, using: &random), "relevance": Int.random(in: 1...10, using: &random),
        ]
        entries.append(("bench", ScoreEntry(juror: juror.id, submission: work.id, values: values)))
      }
    }
    _ = try jury.apply(entries, source: .commandLine)
    let ours = try Measure.median(runs: 5) { try salonRun(["prize", "standings", "--json", "--archive", archivePath]) }
    rows.append(
      row(
        "5",
        "standings, \(works) works × 5 jurors (raw, normalised, Schulze on a 50-work shortlist, leave-one-juror-out)",
        s(ours.seconds), "—", "—", "< 1 s", ours.seconds < 1))
    schulzeAlone()
  }

  /// The Schulze method by itself, in this process: 500 works, each ranked by 5 jurors, as in a
  /// shortlist of 500 (it is cubic in the number of works).
  mutating func schulzeAlone() {
    let count = 500
    let works = (0..<count).map { "w\($0)" }
    var random = SeededRandom(seed: 7)
    let ballots = (0..<5).map { _ in
      Dictionary(uniqueKeysWithValues: works.map { ($0, Double(random.next() % 1000) / 100) })
    }
    var times: [Double] = []
    for _ in 0..<5 {
      let start = DispatchTime.now()
      let ranks = Schulze.ranks(works, ballots: ballots)
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
      precondition(ranks.count == count)
    }
    let median = times.sorted()[times.count / 2]
    rows.append(
      row(
        "5b", "Schulze alone, \(count) works × 5 jurors (cubic: kept to the shortlist)", s(median), "—", "—",
        "reported", true))
  }

  // MARK: 6. 1,000 small submissions in one batch

  mutating func ingestBatch() throws {
    let total = quick ? 400 : 1000
    say("6. ingest of \(total) small submissions in one batch")
    let folder = root.appendingPathComponent("small-zips")
    if ((try? FileManager.default.contentsOfDirectory(atPath: folder.path).count) ?? 0) < total {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let image = SampleMedia.png(width: 200, height: 150)
      let pdf = SampleMedia.pdf(pages: 1)
      for n in 0..<total {
        let writer = try ZipWriter(path: folder.appendingPathComponent(String(format: "%05d.zip", n)).path)
        try writer.add("s\(n)_main.png", bytes: image + Array("\(n)".utf8))
        try writer.add("s\(n)_description.pdf", bytes: pdf)
        try writer.close()
      }
    }
    var memory: [String] = []
    var full: Measurement?
    for batch in [total / 4, total / 2, total] {
      let subset = root.appendingPathComponent("small-\(batch)")
      remove("small-\(batch)")
      try FileManager.default.createDirectory(at: subset, withIntermediateDirectories: true)
      for name in (try FileManager.default.contentsOfDirectory(atPath: folder.path)).sorted().prefix(batch) {
        try FileManager.default.linkItem(
          at: folder.appendingPathComponent(name), to: subset.appendingPathComponent(name))
      }
      remove("small-archive")
      _ = try salonRun(["init", "--title", "Batch", "--archive", path("small-archive")])
      let m = try salonRun(["ingest", subset.path, "--archive", path("small-archive")])
      memory.append("\(batch): \(Int(m.peakMemoryMB.rounded())) MB")
      if batch == total { full = m }
    }
    guard let full else { return }
    rows.append(
      row(
        "6", "ingest \(total) small submissions in one batch",
        String(format: "%.0f submissions/s", Double(total) / full.seconds),
        "—", "—", "peak memory flat: " + memory.joined(separator: ", "), true))
  }

  // MARK: 7. A web rendition through the sandbox vs the same ffmpeg command run directly

  mutating func transcode() throws {
    let seconds = quick ? 10 : 60
    say("7. transcode of a \(seconds) s 1080p H.264 clip: Salon's sandbox vs the same ffmpeg command run directly")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let clip = path("clip-\(seconds)s-1080p.mp4")
    if !FileManager.default.fileExists(atPath: clip) {
      try Data(try SampleClip.mp4(seconds: Double(seconds), width: 1920, height: 1080)).write(
        to: URL(fileURLWithPath: clip))
    }
    let folder = path("transcode")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let sandbox = Sandbox()
    let facts = try sandbox.probe(clip, workingFolder: folder)
    let command = VideoRendition(maxSide: 1280, hasAudio: facts.audio != nil)
    let load = Self.loadAverage()
    let ours = try Measure.median(runs: mediaRuns) {
      let start = DispatchTime.now()
      let before = Measure.childrenCPU()
      try sandbox.run(command, input: clip, demuxer: facts.demuxer, folder: folder)
      return Measurement(
        seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
        cpuSeconds: Measure.childrenCPU() - before, peakMemoryMB: 0, status: 0)
    }
    // The very same arguments, the file named directly instead of through descriptor 3.
    let direct = command.arguments(demuxer: facts.demuxer, folder: folder).map {
      $0 == "file:" + Sandbox.inputPath ? "file:" + clip : $0
    }
    let peer = try Measure.median(runs: mediaRuns) { try Measure.run([MediaTool.ffmpeg.path ?? "ffmpeg"] + direct) }
    directTranscode = peer
    let ratio = ours.seconds / peer.seconds
    rows.append(
      row(
        "7", "transcode a \(seconds) s 1080p H.264/AAC clip to the web rendition (H.264/AAC, ≤ 1280 px)",
        s(ours.seconds), "the same `ffmpeg` command run directly: \(s(peer.seconds))",
        String(format: "%.2fx time", ratio), "≤ 1.05x", ratio <= 1.05))
    note(
      "7", start: load,
      "Median of \(mediaRuns) run\(mediaRuns == 1 ? "" : "s") each; the rendition's CPU: sandbox \(s(ours.cpuSeconds)), direct \(s(peer.cpuSeconds))."
    )
  }

  // MARK: 8. A jury room of 50 mixed works, after an export

  mutating func juryRoom() throws {
    say("8. jury room for a juror with 50 mixed works, after an export made the gallery's media")
    let zips = root.appendingPathComponent("room-zips")
    try? FileManager.default.removeItem(at: zips)
    try FileManager.default.createDirectory(at: zips, withIntermediateDirectories: true)
    var csv = "id,title,artists,email,medium,rights,authorship\n"
    for n in 0..<50 {
      let main: (String, [UInt8])
      switch n % 5 {
      case 0: main = ("\(n)_main.mp4", try SampleClip.mp4(seconds: 5, frequency: 300 + n))
      case 1: main = ("\(n)_main.mp3", try SampleClip.mp3(seconds: 20, frequency: 300 + n))
      case 2: main = ("\(n)_main.pdf", SampleMedia.pdf(pages: 3, title: "Score \(n)"))
      case 3: main = ("\(n)_main.txt", Array("Poem \(n)\n\nA line of verse for the jury.\n".utf8))
      default: main = ("\(n)_main.png", SampleMedia.png(width: 1600, height: 1200, seed: n))
      }
      let writer = try ZipWriter(path: zips.appendingPathComponent("\(n).zip").path, compress: false)
      try writer.add(main.0, bytes: main.1)
      // Each artist's own description, as in a real call.
      try writer.add("\(n)_description.pdf", bytes: SampleMedia.pdf(pages: 2, title: "About work \(n)"))
      try writer.close()
      csv += "\(n),Work \(n),Artist \(n),a\(n)@example.org,Mixed,yes,yes\n"
    }
    try Data(csv.utf8).write(to: URL(fileURLWithPath: path("room-form.csv")))
    let archive = path("room-archive")
    remove("room-archive")
    remove("room-site")
    _ = try salonRun(["init", "--title", "Bench Room", "--year", "2026", "--archive", archive])
    _ = try salonRun(["ingest", zips.path, "--form", path("room-form.csv"), "--archive", archive])
    let catalog = try SalonArchive.open(at: archive)
    let exhibition = try catalog.exhibition(slug: nil)
    for work in try catalog.works(exhibition: exhibition) {
      try catalog.decide(exhibition: exhibition, id: work.id, selected: true, note: nil)
    }
    // The jury is set up before the gallery is exported, as in a call: the export then also makes
    // what the rooms show beyond the gallery (the descriptions' pages) into the archive's cache.
    _ = try salonRun(["jury", "add", "Bench Juror", "--archive", archive])
    _ = try salonRun(["jury", "assign", "--archive", archive])
    let export = try salonRun(["export", "-o", path("room-site"), "--archive", archive])
    // The first room after the export: every derivative linked from the cache, none made. Then
    // the same room built again with nothing changed.
    let first = try Measure.median(runs: 3, prepare: { remove("room") }) {
      try salonRun(["jury", "room", "bench-juror", "-o", path("room"), "--archive", archive])
    }
    let again = try Measure.median(runs: 3) {
      try salonRun(["jury", "room", "bench-juror", "-o", path("room"), "--archive", archive])
    }
    let roomBytes = Self.folderBytes(path("room"))
    let siteBytes = Self.folderBytes(path("room-site"))
    rows.append(
      row(
        "8a", "first jury room after an export, 50 mixed works (each with a 2-page description PDF)",
        s(first.seconds), "the export before it (gallery + the rooms' description pages): \(s(export.seconds))",
        "room \(mb(roomBytes)), gallery \(mb(siteBytes))", "< 2 s", first.seconds < 2))
    rows.append(
      row("8b", "the same room built again, nothing changed", s(again.seconds), "—", "—", "< 2 s", again.seconds < 2))
  }

  static func folderBytes(_ folder: String) -> Int {
    var total = 0
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let name = enumerator?.nextObject() as? String {
      let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)
      if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? Int) ?? 0 }
    }
    return total
  }

  // MARK: Report

  func row(_ n: String, _ what: String, _ ours: String, _ peer: String, _ ratio: String, _ target: String, _ met: Bool)
    -> String
  {
    "| \(n) | \(what) | \(ours) | \(peer) | \(ratio) | \(target) | \(met ? "met" : "**not met**") |"
  }

  func s(_ seconds: Double) -> String {
    seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
  }
  func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }

  func machine() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model =
      cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
      .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
    let kb =
      meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal") }?.split(separator: " ").dropFirst().first.flatMap
    { Int($0) } ?? 0
    var info = utsname()
    uname(&info)
    let kernel = withUnsafeBytes(of: &info.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(kb / 1024 / 1024) GiB, Linux \(kernel)"
  }

  /// `--sections`: the rows measured now replace those of the same number in BENCHMARKS.md (or
  /// join the table in order), their notes replace the earlier notes of those rows, and every
  /// other row, note and the growth section stay as they were.
  func mergeReport() throws {
    let existing = (try? String(contentsOfFile: Self.reportPath, encoding: .utf8)) ?? ""
    guard existing.contains("\n## Notes\n") else {
      try writeReport()
      return
    }
    func number(_ row: String) -> String {
      row.split(separator: "|", omittingEmptySubsequences: true).first?.trimmingCharacters(in: .whitespaces) ?? ""
    }
    func order(_ number: String) -> (Int, String) {
      (Int(number.prefix { $0.isNumber }) ?? 0, String(number.drop { $0.isNumber }))
    }
    let new = Dictionary(rows.map { (number($0), $0) }, uniquingKeysWith: { $1 })
    var lines = existing.components(separatedBy: "\n")
    guard let first = lines.firstIndex(where: { $0.hasPrefix("|---|") }) else { return }
    var end = first + 1
    while end < lines.count, lines[end].hasPrefix("| ") { end += 1 }
    var table = Dictionary(lines[(first + 1)..<end].map { (number($0), $0) }, uniquingKeysWith: { $1 })
    for (key, row) in new { table[key] = row }
    lines.replaceSubrange((first + 1)..<end, with: table.keys.sorted { order($0) < order($1) }.map { table[$0]! })
    var text = lines.joined(separator: "\n")
    // Notes: a bullet runs until the next bullet or a blank line.
    let notesStart = text.range(of: "\n## Notes\n")!.upperBound
    let notesEnd = text.range(of: "\n## ", range: notesStart..<text.endIndex)?.lowerBound ?? text.endIndex
    var bullets: [String] = []
    for line in text[notesStart..<notesEnd].components(separatedBy: "\n") {
      if line.hasPrefix("- ") {
        bullets.append(line)
      } else if line.hasPrefix("  "), !bullets.isEmpty {
        bullets[bullets.count - 1] += "\n" + line
      }
    }
    let measured = Set(new.keys)
    bullets.removeAll { bullet in measured.contains { bullet.hasPrefix("- Row \($0), measured") } }
    bullets += notes.map { "- " + $0 }
    text.replaceSubrange(notesStart..<notesEnd, with: "\n" + bullets.joined(separator: "\n") + "\n")
    try Data(text.utf8).write(to: URL(fileURLWithPath: Self.reportPath))
    print(rows.joined(separator: "\n"))
    print(notes.map { "- " + $0 }.joined(separator: "\n"))
  }

  /// `--growth-only`: the growth section of BENCHMARKS.md replaced, the rest kept.
  func replaceGrowthSection() throws {
    let existing = (try? String(contentsOfFile: Self.reportPath, encoding: .utf8)) ?? "# Benchmarks\n"
    let kept = existing.components(separatedBy: "\n## Growth").first ?? existing
    let text = kept.trimmingCharacters(in: .newlines) + "\n\n" + growthSection
    try Data(text.utf8).write(to: URL(fileURLWithPath: Self.reportPath))
    print(growthSection)
  }

  /// `--gallery-only`: rows 3a–4 and the row 3 note of BENCHMARKS.md replaced, the rest kept.
  func replaceExportRows() throws {
    let existing = (try? String(contentsOfFile: Self.reportPath, encoding: .utf8)) ?? ""
    var lines = existing.components(separatedBy: "\n")
    let numbers = ["3a", "3b", "3c", "4"]
    let isExportRow = { (line: String) in numbers.contains { line.hasPrefix("| \($0) |") } }
    if let first = lines.firstIndex(where: isExportRow) {
      lines.removeAll(where: isExportRow)
      lines.insert(contentsOf: rows, at: first)
    } else {
      throw BenchError("BENCHMARKS.md has no row 3a to replace; run the whole bench first")
    }
    // The row 3 note runs from its bullet to the next bullet or blank line.
    if let start = lines.firstIndex(where: { $0.hasPrefix("- Row 3:") }) {
      var end = start + 1
      while end < lines.count, lines[end].hasPrefix("  ") { end += 1 }
      lines.replaceSubrange(start..<end, with: [Self.bullet(exportNote)])
    }
    try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: Self.reportPath))
    print((rows + [Self.bullet(exportNote)]).joined(separator: "\n"))
  }

  /// A note as a Markdown bullet wrapped at about 100 columns.
  static func bullet(_ text: String) -> String {
    var lines: [String] = []
    var line = "-"
    for word in text.split(separator: " ") {
      if line.count + word.count + 1 > 100 {
        lines.append(line)
        line = " "
      }
      line += " " + word
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// Where a run writes its rows: `bench-out/BENCHMARKS.md`, the run's own record. The
  /// repository's BENCHMARKS.md is kept by hand from these files, each row with its run's date,
  /// so no run erases a figure measured another way.
  static let reportPath = "bench-out/BENCHMARKS.md"

  func writeReport() throws {
    let formatter = ISO8601DateFormatter()
    let text = """
      # Benchmarks

      Written by `make bench` (`.build/release/salon-bench`) on \(formatter.string(from: Date())).
      Machine: \(machine()).
      Each row measures Salon and its peer in the same run, on the same files and cores; each time is
      the median of several runs (3 for the exports, 5 otherwise). Peak memory is the process's
      maximum resident set (`wait4`). Fixtures are generated by the benchmark itself in `bench-out/`.

      | # | what | Salon | peer | ratio | target | |
      |---|---|---|---|---|---|---|
      \(rows.joined(separator: "\n"))

      ## Notes

      - Row 1: the zip as received is read once: copied into the store and hashed on one core
        while the other unpacks each file, checks its CRC-32 and hashes it for the confined
        decoders; the zip alone is flushed, and is the only copy the archive keeps (its files
        are addressed inside it). The two SHA-256 passes (the zip's bytes, then each file's,
        which differ once compressed) take about 2 × 65 ms of CPU on two cores. Most of the
        rest is the decoders' own work, which the peer does not do: ffprobe, the packet count
        and the decode check each read the whole recording (the last two side by side), and
        pdfinfo reads the description.
      \(Self.bullet(exportNote))
      - Row 5 times the whole command: it opens the catalog, finds conflicts, computes raw and
        normalised scores and ranks, ranks the 50-work shortlist by the Schulze method, recomputes
        all of it with each juror left out in turn, and prints JSON. Row 5b times the Schulze
        method alone, in process, on 500 works: why the standings keep it to a shortlist.
      - Row 7 runs the export's web rendition of a clip made by ffmpeg's own test sources, once
        through Salon's sandbox (posix_spawn of `prlimit` with the limits, the input opened by Salon
        and handed over as descriptor 3, a poll for the deadline and Ctrl-C) and once as the same
        argument vector run directly; the difference is the sandbox's cost.
      - Row 8: 50 works (a 5 s video, a 20 s MP3, a 3-page PDF, a poem, a 1600×1200 PNG, ten of
        each), each with its own 2-page description PDF. The jury is assigned before the export,
        so the export also makes the descriptions' page images, into the archive's derivative
        cache only; the room then hard-links every derivative from that cache and makes none.
        Sizes are the files' own sizes; a room's media shares its disk blocks with the cache and
        the gallery. The room holds the descriptions' pages, which the gallery never shows, and no
        PDF file, which the gallery publishes.
      \(notes.map { "- \($0)" }.joined(separator: "\n"))

      \(growthSection)
      """
    try Data(text.utf8).write(to: URL(fileURLWithPath: Self.reportPath))
    print(text)
  }
}
