import Basics
import Foundation
import SampleContent
import Zip

/// Row 8c (`salon-bench triage 10000,100000`): a yes-no triage round of a call of 100,000 works,
/// 3 jurors a work, timed as the organiser runs it (open, assign, import every juror's sheet,
/// close), then every read command in its text and its JSON form.
///
/// Seeding is set-up, not what is timed. The growth table ingests image submissions, and each
/// image costs one confined exiftool run (about 70 ms of CPU) that no cache can skip, so 100,000
/// of them take hours. These submissions hold a short poem (`_main.txt`) and the same one-page
/// description PDF: real zips through the real `salon ingest`, which runs pdfinfo once for the
/// repeated PDF and no tool for the text. The seeded archive (ingested, every work selected, three
/// jurors added) is kept in `bench-out/triage-seed-N` and copied afresh before the timed steps.
extension Bench {
  mutating func triage(sizes: [Int]) throws {
    say("8c. triage round: \(sizes.map(String.init).joined(separator: ", ")) works × 3 jurors")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let loadBefore = Self.loadAverage()
    let names =
      [
        "jury round open (yes-no, yes:2)", "jury assign --per-work 3",
        "jury import (3 sheets, every work's 3 votes)", "jury round close",
      ] + Self.readCommands.map(\.name)
    var steps = names.map { GrowthStep(name: $0) }
    var loads: [String: String] = [:]
    var seeding: [Int: String] = [:]
    for size in sizes {
      let template = try triageSeed(size, seeding: &seeding)
      let archive = path("triage-archive-\(size)")
      remove("triage-archive-\(size)")
      try FileManager.default.copyItem(atPath: template, toPath: archive)
      func measure(_ step: Int, _ arguments: [String]) throws {
        say("   \(size): \(names[step])")
        var m = try Measure.run(
          [salon] + arguments + ["--archive", archive], environment: ["SALON_ACTOR": "bench"], sampleTree: true)
        m.peakMemoryMB = m.selfPeakMB
        guard m.status == 0 else {
          throw BenchError("salon \(arguments.joined(separator: " ")) failed with status \(m.status) at \(size)")
        }
        steps[step].results[size] = m
        loads["\(step)-\(size)"] = Self.loadAverage()
        try writeTriage(sizes: sizes, steps: steps, loads: loads, seeding: seeding, loadBefore: loadBefore)
      }
      try measure(0, ["jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:2"])
      try measure(1, ["jury", "assign", "--per-work", "3"])
      say("   \(size): filling the triage sheets")
      try measure(2, ["jury", "import"] + (try fillTriageSheets(archive, size: size)))
      try measure(3, ["jury", "round", "close"])
      for (offset, command) in Self.readCommands.enumerated() { try measure(4 + offset, command.arguments) }
      remove("triage-archive-\(size)")
    }
  }

  /// The seeded archive for `count` works, made once (fixtures, `salon init`, `ingest`,
  /// `submissions decide --all-accepted`, three `jury add`) and reused while its marker stands.
  func triageSeed(_ count: Int, seeding: inout [Int: String]) throws -> String {
    let archive = path("triage-seed-\(count)")
    let marker = path("triage-seed-\(count).done")
    if let made = try? String(contentsOfFile: marker, encoding: .utf8) {
      seeding[count] = "made earlier: " + made.split(separator: "\n").joined(separator: "; ")
      return archive
    }
    say("   \(count): seeding (text-only submissions, set-up)")
    let folder = try triageFixtures(count)
    remove("triage-seed-\(count)")
    let start = Self.loadAverage()
    _ = try salonRun(["init", "--title", "Open Call", "--year", "2026", "--archive", archive])
    let ingest = try salonRun([
      "ingest", folder.path, "--form", folder.appendingPathComponent("form.csv").path, "--archive", archive,
    ])
    guard ingest.status == 0 else { throw BenchError("seeding: ingest failed with status \(ingest.status)") }
    _ = try salonRun(["submissions", "decide", "--all-accepted", "--archive", archive])
    for juror in ["Ann", "Ben", "Cleo"] { _ = try salonRun(["jury", "add", juror, "--archive", archive]) }
    let made =
      "\(ISO8601DateFormatter().string(from: Date())), ingest \(s(ingest.seconds)) (CPU \(s(ingest.cpuSeconds))), load \(start) to \(Self.loadAverage())"
    try Data(made.utf8).write(to: URL(fileURLWithPath: marker))
    seeding[count] = made
    return archive
  }

  /// `count` zips of a short poem and the one-page description, with a CMT-style form; made once.
  func triageFixtures(_ count: Int) throws -> URL {
    let folder = root.appendingPathComponent("triage-\(count)")
    let form = folder.appendingPathComponent("form.csv")
    if FileManager.default.fileExists(atPath: form.path) { return folder }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let pdf = SampleMedia.pdf(pages: 1)
    var csv = "Paper ID,Paper Title,Authors,Author Emails,Primary Subject Area,Files,Rights,Authorship,AI use\n"
    for n in 1...count {
      let name = String(format: "%06d", n)
      let writer = try ZipWriter(path: folder.appendingPathComponent("\(name).zip").path, compress: true)
      try writer.add("s\(n)_main.txt", bytes: Array("Poem \(n)\nA line of verse.\n".utf8))
      try writer.add("s\(n)_description.pdf", bytes: pdf)
      try writer.close()
      csv += "\(n),Work \(n),Artist \(n),artist\(n)@example.org,Poetry,\(name).zip,Yes,Yes,None\n"
    }
    // Written last: its presence says the folder is complete.
    try Data(csv.utf8).write(to: form)
    return folder
  }

  /// `bench-out/triage.md`: the table so far, rewritten after every measurement.
  func writeTriage(
    sizes: [Int], steps: [GrowthStep], loads: [String: String], seeding: [Int: String], loadBefore: String
  ) throws {
    var table = "| step | " + sizes.map { "\($0.grouped) works" }.joined(separator: " | ")
    table += " | growth per work | peak memory | |\n"
    table += "|---|" + sizes.map { _ in "---|" }.joined() + "---|---|---|\n"
    for (index, step) in steps.enumerated() {
      let cells = sizes.map { size -> String in
        guard let m = step.results[size] else { return "not run" }
        let each = String(format: "%.3f", m.cpuSeconds * 1000 / Double(size))
        return
          "\(s(m.seconds)), CPU \(s(m.cpuSeconds)) (\(each) ms each), \(Int(m.peakMemoryMB.rounded())) MB; load \(loads["\(index)-\(size)"] ?? "?")"
      }
      let ratio = growthRatio(step, sizes: sizes).map {
        String(format: "%.2fx CPU, %.2fx wall", $0.cpu, $0.wall) + " (\($0.to.grouped) vs \($0.from.grouped))"
      }
      let peak = step.results.values.map(\.peakMemoryMB).max()
      let status = step.results.isEmpty ? "not run" : growthMet(step, sizes: sizes) ? "met" : "**not met**"
      table +=
        "| \(step.name) | \(cells.joined(separator: " | ")) | \(ratio ?? "—") | \(peak.map { "\(Int($0.rounded())) MB" } ?? "—") | \(status) |\n"
    }
    let seeded = sizes.compactMap { size in seeding[size].map { "- \(size.grouped): \($0)" } }.joined(separator: "\n")
    let text = """
      ## Triage round: \(sizes.map(\.grouped).joined(separator: " and ")) works, 3 jurors a work

      Measured \(ISO8601DateFormatter().string(from: Date())) on \(machine()); load average \(loadBefore) at the
      start and \(Self.loadAverage()) when this table was written; each cell gives the load average
      after its command. One run of each `salon` command on a copy of the seeded archive (every work
      a text-only submission, selected; jurors Ann, Ben and Cleo). The sheets are the ones `salon
      jury sheet` writes, with a vote on every row. Growth is the CPU per work at the largest size
      over that at the smallest (target ≤ 1.5x); peak memory is salon's own (VmHWM, target < 512 MB).

      \(table)
      Seeding (set-up, not timed above):
      \(seeded)

      """
    try Data(text.utf8).write(to: root.appendingPathComponent("triage.md"))
  }
}
