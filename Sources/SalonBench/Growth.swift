import Basics
import Catalog
import Foundation
import Imaging
import Jury
import SampleContent
import Zip

/// Row 8: how every step an organiser of a large call runs grows from 1,000 to 100,000
/// submissions. Each step is the real `salon` command (the jury's scores, which jurors would
/// send as sheets, go in through the Jury library as `salon jury import` would put them).
extension Bench {
  struct GrowthStep {
    var name: String
    /// Seconds and peak memory by call size.
    var results: [Int: Measurement] = [:]
  }

  mutating func growth(sizes: [Int]) throws {
    say("8. growth: \(sizes.map(String.init).joined(separator: ", ")) submissions")
    let loadBefore = Self.loadAverage()
    let names =
      [
        "ingest with the form", "decide --all-accepted", "first export", "export, nothing changed",
        "prize standings --json (5 jurors each)", "submissions list --json", "verify",
        "jury round open (a yes-no triage, yes:2)", "jury assign (triage, 3 jurors a work)",
        "jury import (every triage vote, 3 a work)", "jury round close (triage)",
      ] + Self.readCommands.map { "\($0.name) (after the triage)" }
    let reads = names.count - Self.readCommands.count
    var steps = names.map { GrowthStep(name: $0) }
    var archiveSizes: [Int: Int] = [:]
    var siteSizes: [Int: Int] = [:]
    // The section is rewritten after every measurement, so a run stopped partway keeps what it measured.
    func publish(_ bench: inout Bench) throws {
      bench.growthSection = bench.growthReport(
        sizes: sizes, steps: steps, archiveSizes: archiveSizes, siteSizes: siteSizes, loadBefore: loadBefore)
      if bench.growthOnly { try bench.replaceGrowthSection() }
    }
    for size in sizes {
      say("   \(size): generating")
      let folder = try growthFixtures(size)
      let archive = path("growth-archive-\(size)")
      let site = path("growth-site-\(size)")
      remove("growth-archive-\(size)")
      remove("growth-site-\(size)")
      _ = try salonRun(["init", "--title", "Open Call", "--year", "2026", "--archive", archive])
      func measure(_ step: Int, _ arguments: [String]) throws {
        say("   \(size): \(names[step])")
        var m = try Measure.run(
          [salon] + arguments + ["--archive", archive], environment: ["SALON_ACTOR": "bench"], sampleTree: true)
        // wait4's maximum resident set counts the bench's own memory at the spawn (the kernel
        // keeps the larger of the two across exec), and the bench holds every score it entered:
        // salon's own high-water mark (VmHWM, a peak even when sampled) is what salon used.
        m.peakMemoryMB = m.selfPeakMB
        guard m.status == 0 else {
          throw BenchError("salon \(arguments.first ?? "") failed with status \(m.status) at \(size)")
        }
        steps[step].results[size] = m
        try publish(&self)
      }
      try measure(0, ["ingest", folder.path, "--form", folder.appendingPathComponent("form.csv").path])
      try measure(1, ["submissions", "decide", "--all-accepted"])
      try measure(2, ["export", "-o", site])
      try measure(3, ["export", "-o", site])
      say("   \(size): scoring (5 jurors per work)")
      try scoreEveryWork(archive)
      try measure(4, ["prize", "standings", "--json"])
      try measure(5, ["submissions", "list", "--json"])
      try measure(6, ["verify"])
      // A triage round of every work, 3 jurors each: opened, assigned, every vote imported from
      // the jurors' sheets, closed by its rule.
      try measure(7, ["jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:2"])
      try measure(8, ["jury", "assign", "--per-work", "3"])
      say("   \(size): filling the triage sheets")
      try measure(9, ["jury", "import"] + (try fillTriageSheets(archive, size: size)))
      try measure(10, ["jury", "round", "close"])
      // What an organiser reads on the big call, text and JSON alike (the standings now count
      // the closed triage round).
      for (offset, command) in Self.readCommands.enumerated() { try measure(reads + offset, command.arguments) }
      archiveSizes[size] = folderBytes(archive)
      siteSizes[size] = folderBytes(site)
      try publish(&self)
      // The next size needs the disk more than these do.
      remove("growth-site-\(size)")
      remove("growth-archive-\(size)")
    }
    let met = steps.allSatisfy { growthMet($0, sizes: sizes) }
    rows.append(
      row(
        "8", "growth from \(sizes.first?.grouped ?? "") to \(sizes.last?.grouped ?? "") submissions (table below)",
        "see table", "—", "—", "≤ 1.5x per submission, no-op export of 100,000 < 10 s, peak < 512 MB", met))
  }

  /// The read commands an organiser runs on a big call, each in its text form and its JSON form:
  /// every one must grow linearly whichever form is asked for.
  static let readCommands: [(name: String, arguments: [String])] = [
    ("submissions list", ["submissions", "list"]),
    ("submissions list --json", ["submissions", "list", "--json"]),
    ("prize standings", ["prize", "standings"]),
    ("prize standings --json", ["prize", "standings", "--json"]),
    ("jury progress", ["jury", "progress"]),
    ("jury progress --json", ["jury", "progress", "--json"]),
    ("jury rounds --json", ["jury", "rounds", "--json"]),
    ("verify --json", ["verify", "--json"]),
  ]

  /// Per-submission cost at the largest size measured over that at the smallest, in CPU time
  /// (the machine is shared, so wall time mostly measures the other work) and in wall time.
  func growthRatio(_ step: GrowthStep, sizes: [Int]) -> (cpu: Double, wall: Double, from: Int, to: Int)? {
    let measured = sizes.filter { step.results[$0] != nil }
    guard let from = measured.first, let to = measured.last, from != to, let a = step.results[from],
      let b = step.results[to]
    else { return nil }
    let scale = Double(from) / Double(to)
    return (b.cpuSeconds / max(a.cpuSeconds, 0.001) * scale, b.seconds / a.seconds * scale, from, to)
  }

  func growthMet(_ step: GrowthStep, sizes: [Int]) -> Bool {
    var met = (growthRatio(step, sizes: sizes)?.cpu ?? 1) <= 1.5
    met = met && (step.results.values.map(\.peakMemoryMB).max() ?? 0) < 512
    if step.name == "export, nothing changed", let m = step.results[100_000] { met = met && m.seconds < 10 }
    return met
  }

  func growthReport(
    sizes: [Int], steps: [GrowthStep], archiveSizes: [Int: Int], siteSizes: [Int: Int], loadBefore: String
  ) -> String {
    var table = "| step | " + sizes.map { "\($0.grouped) submissions" }.joined(separator: " | ")
    table += " | growth per submission | peak memory | |\n"
    table += "|---|" + sizes.map { _ in "---|" }.joined() + "---|---|---|\n"
    for step in steps {
      let cells = sizes.map { size -> String in
        guard let m = step.results[size] else { return "not run" }
        return
          "\(s(m.seconds)), CPU \(s(m.cpuSeconds)) (\(String(format: "%.2f", m.cpuSeconds * 1000 / Double(size))) ms each)"
      }
      let ratio = growthRatio(step, sizes: sizes).map {
        String(format: "%.2fx CPU, %.2fx wall", $0.cpu, $0.wall) + " (\($0.to.grouped) vs \($0.from.grouped))"
      }
      let peak = step.results.values.map(\.peakMemoryMB).max()
      let status = step.results.isEmpty ? "not run" : growthMet(step, sizes: sizes) ? "met" : "**not met**"
      table +=
        "| \(step.name) | \(cells.joined(separator: " | ")) | \(ratio ?? "—") | \(peak.map { "\(Int($0.rounded())) MB" } ?? "—") | \(status) |\n"
    }
    table += "| archive size | " + sizes.map { archiveSizes[$0].map(mb) ?? "—" }.joined(separator: " | ") + " | | | |\n"
    table += "| site size | " + sizes.map { siteSizes[$0].map(mb) ?? "—" }.joined(separator: " | ") + " | | | |\n"
    let loadAfter = Self.loadAverage()
    let company = Self.company(loadBefore, loadAfter)
    return """
      ## Growth: one call from \(sizes.first?.grouped ?? "") to \(sizes.last?.grouped ?? "") submissions

      Measured \(ISO8601DateFormatter().string(from: Date())) on \(machine()); load average \(loadBefore) at the
      start and \(loadAfter) when this table was written (\(company)). Each cell is one run of the
      `salon` command on a fresh archive: submissions are small generated zips (a 320×240 JPEG, 8
      images repeating, and the same one-page description PDF in each) with a CMT-style form; five
      jurors score every work before the standings. Because the files repeat, ingest's decoders
      (libvips, pdfinfo) run once per distinct file and the export makes 8 sets of derivatives: the
      table measures what grows with the number of submissions, not decoding (rows 6 and 9 and the
      export rows above measure that). After the triage round, each read command an organiser runs
      on a big call is timed in its text form and its JSON form. Cells give wall time, then CPU time (user + system, tools
      included) and CPU per submission. Growth is the cost per submission at the largest size
      measured over the cost at the smallest, judged on CPU time (target ≤ 1.5x). Peak memory is
      salon's own high-water mark (VmHWM), the largest over the sizes (target < 512 MB).

      \(table)
      """
  }

  /// A folder of `count` small zips (a 320×240 JPEG and a one-page description each; the images
  /// repeat, so the store keeps few copies) and a CMT-style form, made once and reused.
  func growthFixtures(_ count: Int) throws -> URL {
    let folder = root.appendingPathComponent("growth-\(count)")
    let form = folder.appendingPathComponent("form.csv")
    if FileManager.default.fileExists(atPath: form.path) { return folder }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // 320×240 JPEGs (about 10 KB; a PNG made in code is stored uncompressed, 170 KB a zip).
    let seed = path("growth-seed.png")
    let images = try (0..<8).map { n -> [UInt8] in
      try Data(SampleMedia.png(width: 320, height: 240, seed: n)).write(to: URL(fileURLWithPath: seed))
      return try Imaging.jpegPreview(of: seed, width: 320, maxPixels: 10_000_000)
    }
    let pdf = SampleMedia.pdf(pages: 1)
    var csv = "Paper ID,Paper Title,Authors,Author Emails,Primary Subject Area,Files,Rights,Authorship,AI use\n"
    let media = ["Photography", "Digital painting", "Visual art", "Film still"]
    for n in 1...count {
      let name = String(format: "%06d", n)
      let writer = try ZipWriter(path: folder.appendingPathComponent("\(name).zip").path, compress: true)
      try writer.add("s\(n)_main.jpg", bytes: images[n % images.count])
      try writer.add("s\(n)_description.pdf", bytes: pdf)
      try writer.close()
      csv += "\(n),Work \(n),Artist \(n),artist\(n)@example.org,\(media[n % media.count]),\(name).zip,Yes,Yes,None\n"
    }
    // Written last: its presence says the folder is complete.
    try Data(csv.utf8).write(to: form)
    return folder
  }

  /// Five jurors score every accepted work on every criterion.
  func scoreEveryWork(_ path: String) throws {
    let archive = try SalonArchive.open(at: path)
    let exhibition = try archive.exhibition(slug: nil)
    let jury = Jury(archive: archive, exhibition: exhibition)
    for name in ["Ann", "Ben", "Cleo", "Dev", "Eli"] { _ = try jury.addJuror(name: name, email: nil) }
    _ = try jury.assign(perWork: 5, seed: 1)
    let criteria = try jury.rubric()
    var generator = SystemRandomNumberGenerator()
    var entries: [(place: String, entry: ScoreEntry)] = []
    for juror in try jury.jurors() {
      for work in try jury.assignedWorks(juror) {
        var values: [String: Int] = [:]
        for c in criteria { values[c.key] = Int.random(in: c.scaleMin...c.scaleMax, using: &generator) }
        entries.append(("bench", ScoreEntry(juror: juror.id, submission: work.id, values: values)))
      }
    }
    _ = try jury.apply(entries, source: .commandLine)
  }

  /// Each juror's triage sheet, as `salon jury sheet` writes it, with a yes or no on every row
  /// (yes about two times in three); returns the files.
  func fillTriageSheets(_ path: String, size: Int) throws -> [String] {
    let archive = try SalonArchive.open(at: path)
    let jury = Jury(archive: archive, exhibition: try archive.exhibition(slug: nil))
    var random = SeededRandom(seed: 7)
    return try jury.jurors().map { juror in
      let records = try CSVReader.records(from: Data(try jury.csvSheet(for: juror).utf8))
      guard let header = records.first, let vote = header.fields.firstIndex(where: { $0.hasPrefix("vote") }) else {
        throw BenchError("the triage sheet has no vote column")
      }
      var lines = [CSVWriter.line(header.fields)]
      for record in records.dropFirst() {
        var fields = record.fields
        fields[vote] = random.next() % 3 == 0 ? "no" : "yes"
        lines.append(CSVWriter.line(fields))
      }
      let file = self.path("growth-triage-\(size)-\(juror.id).csv")
      try Data(CSVWriter.document(lines).utf8).write(to: URL(fileURLWithPath: file))
      return file
    }
  }

  func folderBytes(_ path: String) -> Int {
    guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
    var total = 0
    while let item = enumerator.nextObject() as? String {
      if let size = enumerator.fileAttributes?[.size] as? NSNumber,
        enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular
      {
        total += size.intValue
      }
      _ = item
    }
    return total
  }
}

extension Int {
  /// 100000 as "100,000".
  var grouped: String {
    let digits = String(self)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return out
  }
}
