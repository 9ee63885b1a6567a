import Catalog
import Foundation
import Jury
import SampleContent
import Zip

/// Row 7: how every step an organiser of a large call runs grows from 1,000 to 100,000
/// submissions. Each step is the real `salon` command (the jury's scores, which jurors would
/// send as sheets, go in through the Jury library as `salon jury import` would put them).
extension Bench {
  struct GrowthStep {
    var name: String
    /// Seconds and peak memory by call size.
    var results: [Int: Measurement] = [:]
  }

  mutating func growth(sizes: [Int]) throws {
    say("7. growth: \(sizes.map(String.init).joined(separator: ", ")) submissions")
    let loadBefore = loadAverage()
    let names = [
      "ingest with the form", "decide --all-accepted", "first export", "export, nothing changed",
      "prize standings (5 jurors each)", "submissions list --json", "verify",
    ]
    var steps = names.map { GrowthStep(name: $0) }
    var archiveSizes: [Int: Int] = [:]
    var siteSizes: [Int: Int] = [:]
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
        let m = try salonRun(arguments + ["--archive", archive])
        guard m.status == 0 || (step == 6 && m.status == 1) else {
          throw BenchError("salon \(arguments.first ?? "") failed with status \(m.status) at \(size)")
        }
        steps[step].results[size] = m
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
      archiveSizes[size] = folderBytes(archive)
      siteSizes[size] = folderBytes(site)
      // The next size needs the disk more than these do.
      remove("growth-site-\(size)")
      remove("growth-archive-\(size)")
    }
    let loadAfter = loadAverage()
    guard let smallest = sizes.first, let largest = sizes.last else { return }
    var table = "| step | " + sizes.map { "\($0.grouped) submissions" }.joined(separator: " | ")
    table += " | per submission at \(largest.grouped) ÷ at \(smallest.grouped) | peak memory | |\n"
    table += "|---|" + sizes.map { _ in "---|" }.joined() + "---|---|---|\n"
    var allMet = true
    for step in steps {
      var cells: [String] = []
      for size in sizes {
        guard let m = step.results[size] else {
          cells.append("—")
          continue
        }
        cells.append("\(s(m.seconds)) (\(String(format: "%.2f", m.seconds * 1000 / Double(size))) ms each)")
      }
      var ratio = "—"
      var met = true
      if let first = step.results[smallest], let last = step.results[largest], largest != smallest {
        let growth = (last.seconds / Double(largest)) / (first.seconds / Double(smallest))
        ratio = String(format: "%.2fx", growth)
        met = growth <= 1.5
      }
      let peak = step.results.values.map(\.peakMemoryMB).max() ?? 0
      met = met && peak < 512
      if step.name == "export, nothing changed", largest >= 100_000, let last = step.results[largest] {
        met = met && last.seconds < 10
      }
      allMet = allMet && met
      table +=
        "| \(step.name) | \(cells.joined(separator: " | ")) | \(ratio) | \(Int(peak.rounded())) MB | \(met ? "met" : "**not met**") |\n"
    }
    table += "| archive size | " + sizes.map { mb(archiveSizes[$0] ?? 0) }.joined(separator: " | ") + " | | | |\n"
    table += "| site size | " + sizes.map { mb(siteSizes[$0] ?? 0) }.joined(separator: " | ") + " | | | |\n"
    growthSection = """
      ## Growth: one call from \(smallest.grouped) to \(largest.grouped) submissions

      Measured \(ISO8601DateFormatter().string(from: Date())) on \(machine()); load average \(loadBefore) before
      and \(loadAfter) after (other work was running on the machine, so times are noisy). Each cell is
      one run of the `salon` command on a fresh archive: submissions are small generated zips (a
      320×240 PNG, 8 images repeating, and a one-page description each) with a CMT-style form;
      five jurors score every work before the standings. Peak memory is the largest over the sizes.

      \(table)
      """
    rows.append(
      row(
        "7", "growth from \(smallest.grouped) to \(largest.grouped) submissions (table below)",
        "see table", "—", "—", "≤ 1.5x per submission, no-op export of 100,000 < 10 s, peak < 512 MB", allMet))
  }

  /// A folder of `count` small zips (a 320×240 PNG and a one-page description each; the images
  /// repeat, so the store keeps few copies) and a CMT-style form, made once and reused.
  func growthFixtures(_ count: Int) throws -> URL {
    let folder = root.appendingPathComponent("growth-\(count)")
    let form = folder.appendingPathComponent("form.csv")
    if FileManager.default.fileExists(atPath: form.path) { return folder }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let images = (0..<8).map { SampleMedia.png(width: 320, height: 240, seed: $0) }
    let pdf = SampleMedia.pdf(pages: 1)
    var csv = "Paper ID,Paper Title,Authors,Author Emails,Primary Subject Area,Files,Rights,Authorship,AI use\n"
    let media = ["Photography", "Digital painting", "Visual art", "Film still"]
    for n in 1...count {
      let name = String(format: "%06d", n)
      let writer = try ZipWriter(path: folder.appendingPathComponent("\(name).zip").path, compress: true)
      try writer.add("s\(n)_main.png", bytes: images[n % images.count])
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

  func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
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
