import Foundation
import SampleContent
import Testing

/// Crash safety, fixity and concurrency, with real processes killed and raced.
@Suite(.serialized) struct DurabilityTests {
  let scratch = Scratch()

  func salon(_ arguments: [String], archive: String) throws -> SalonRun {
    try Binary.run(arguments + ["--archive", archive])
  }

  func killed(after delay: Double, _ arguments: [String]) throws {
    let process = try Binary.start(arguments)
    Thread.sleep(forTimeInterval: delay)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// An archive with `works` accepted, selected, publishable image works and a jury of two.
  func preparedArchive(_ name: String, works: Int) throws -> String {
    let archive = scratch.path(name)
    _ = try salon(["init", "--title", "Salon", "--year", "2026"], archive: archive)
    if !FileManager.default.fileExists(atPath: scratch.path("in")) {
      var csv = "id,title,rights,authorship\n"
      for n in 1...works {
        scratch.zip(
          "in/\(n).zip",
          [
            ("\(n)_main.png", SampleMedia.png(width: 900, height: 700, seed: n)),
            ("\(n)_description.pdf", Parts.description),
          ])
        csv += "\(n),Work \(n),yes,yes\n"
      }
      scratch.write("form.csv", csv)
    }
    _ = try salon(["ingest", scratch.path("in"), "--form", scratch.path("form.csv")], archive: archive)
    for n in 1...works { _ = try salon(["submissions", "decide", "\(n)", "selected"], archive: archive) }
    _ = try salon(["jury", "add", "Ann"], archive: archive)
    _ = try salon(["jury", "add", "Ben"], archive: archive)
    _ = try salon(["jury", "assign", "--seed", "3"], archive: archive)
    return archive
  }

  func filledSheet(_ archive: String, juror: String) throws -> String {
    let sheet = try salon(["jury", "sheet", juror], archive: archive).stdout
    var lines = sheet.split(whereSeparator: \.isNewline).map(String.init)
    for i in lines.indices.dropFirst() {
      var cells = lines[i].components(separatedBy: ",")
      // juror, code, submission, title, medium, merit, relevance, comment, exhibition, revision
      guard cells.count == 10 else { fatalError("unexpected sheet line: \(lines[i])") }
      cells[5] = String(3 + i % 7)
      cells[6] = String(2 + i % 8)
      lines[i] = cells.joined(separator: ",")
    }
    return scratch.write("\(juror)-\(UUID().uuidString).csv", lines.joined(separator: "\r\n"))
  }

  @Test func verifyFindsMissingCorruptAndOrphanFilesBySubmission() throws {
    // Three zips as received: the store holds them and nothing else (their files are inside).
    let archive = try preparedArchive("a", works: 3)
    #expect(try salon(["verify"], archive: archive).status == 0)
    let store = URL(fileURLWithPath: archive + "/store/sha256")
    let files = (FileManager.default.enumerator(at: store, includingPropertiesForKeys: nil)!.allObjects as! [URL])
      .filter { $0.lastPathComponent.count == 64 }.sorted { $0.path < $1.path }
    chmod(files[0].path, 0o644)
    try Data("tampered".utf8).write(to: files[0])
    chmod(files[1].path, 0o644)
    try FileManager.default.removeItem(at: files[1])
    try FileManager.default.createDirectory(at: store.appendingPathComponent("00"), withIntermediateDirectories: true)
    try Data("stray".utf8).write(to: store.appendingPathComponent("00/" + String(repeating: "0", count: 64)))
    let run = try salon(["verify", "--json"], archive: archive)
    #expect(run.status == 1)
    let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    #expect((report["corrupt"] as! [[String: Any]]).map { $0["sha256"] as! String } == [files[0].lastPathComponent])
    let missing = report["missing"] as! [[String: Any]]
    #expect(missing.map { $0["sha256"] as! String } == [files[1].lastPathComponent])
    #expect(!(missing[0]["submissions"] as! [String]).isEmpty, "reported by submission")
    #expect((report["orphans"] as! [[String: Any]]).count == 1)
    // Same size, other content: only a full check sees it.
    chmod(files[2].path, 0o644)
    var bytes = try Data(contentsOf: files[2])
    bytes[bytes.count / 2] ^= 0xFF
    try bytes.write(to: files[2])
    let quick =
      try JSONSerialization.jsonObject(
        with: Data(try salon(["verify", "--quick", "--json"], archive: archive).stdout.utf8)) as! [String: Any]
    #expect(!(quick["corrupt"] as! [[String: Any]]).contains { $0["sha256"] as? String == files[2].lastPathComponent })
  }

  @Test func killingIngestAtAnyPointLeavesAVerifiableArchive() throws {
    let reference = try preparedArchive("reference", works: 6)
    let expected = try salon(["submissions", "list", "--json"], archive: reference).stdout
    for (n, delay) in [0.03, 0.08, 0.15, 0.25, 0.4].enumerated() {
      let archive = scratch.path("k\(n)")
      _ = try salon(["init", "--title", "Salon", "--year", "2026"], archive: archive)
      try killed(
        after: delay, ["ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive])
      let verify = try salon(["verify"], archive: archive)
      #expect(verify.status == 0, "after a kill at \(delay) s: \(verify.stdout)")
      _ = try salon(["ingest", scratch.path("in"), "--form", scratch.path("form.csv")], archive: archive)
      for i in 1...6 { _ = try salon(["submissions", "decide", "\(i)", "selected"], archive: archive) }
      let list = try salon(["submissions", "list", "--json"], archive: archive).stdout
      #expect(stripTimes(list) == stripTimes(expected))
      #expect(try salon(["verify"], archive: archive).status == 0)
    }
  }

  /// Zips are recorded in batches; a zip that touches one of its batch (the same id, the same
  /// bytes, an id already taken) sees the catalog as it would one zip at a time.
  @Test func aBatchOfZipsIsRecordedAsOneZipAtATimeWouldBe() throws {
    let image = SampleMedia.png(width: 40, height: 30, seed: 1)
    scratch.zip("batch/1.zip", [("1_main.png", image), ("1_description.pdf", Parts.description)])
    scratch.zip("batch/2.zip", [("2_main.png", image), ("2_description.pdf", Parts.description)])
    // A new version of 1 by the same artist, a copy of 2's bytes, and an id 1 by someone else.
    scratch.zip(
      "batch/3.zip",
      [("1_main.png", SampleMedia.png(width: 40, height: 30, seed: 3)), ("1_description.pdf", Parts.description)])
    try FileManager.default.copyItem(atPath: scratch.path("batch/2.zip"), toPath: scratch.path("batch/4.zip"))
    scratch.zip("batch/5.zip", [("x_main.png", image), ("x_description.pdf", Parts.description)])
    scratch.zip("batch/6.zip", [("6_main.png", image)])
    scratch.write(
      "batch.csv",
      """
      id,title,artists,file,rights,authorship
      1,One,Ann,1.zip,yes,yes
      2,Two,Bo,2.zip,yes,yes
      1,One again,Ann,3.zip,yes,yes
      1,Other,Cy,5.zip,yes,yes
      6,Six,Di,6.zip,yes,yes
      """)
    func summary(_ output: String) throws -> [String] {
      let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
      return (json["submissions"] as! [[String: Any]]).map {
        "\($0["zip"]!) \($0["id"]!) \($0["status"]!) \($0["change"]!) v\($0["version"]!)"
      }
    }
    let together = scratch.path("together")
    _ = try salon(["init", "--title", "Salon", "--year", "2026"], archive: together)
    let batch = try salon(
      ["ingest", scratch.path("batch"), "--form", scratch.path("batch.csv"), "--json"], archive: together)
    let oneByOne = scratch.path("one-by-one")
    _ = try salon(["init", "--title", "Salon", "--year", "2026"], archive: oneByOne)
    var expected: [String] = []
    for n in 1...6 {
      let run = try salon(
        ["ingest", scratch.path("batch/\(n).zip"), "--form", scratch.path("batch.csv"), "--json"], archive: oneByOne)
      expected += try summary(run.stdout)
    }
    #expect(try summary(batch.stdout) == expected)
    #expect(
      expected.contains("3.zip 1 accepted new-version v2") && expected.contains { $0.hasPrefix("5.zip 1-conflict-1 ") })
    let list = { (archive: String) in try self.salon(["submissions", "list", "--json"], archive: archive).stdout }
    #expect(stripTimes(try list(together)) == stripTimes(try list(oneByOne)))
    #expect(try salon(["verify"], archive: together).status == 0)
  }

  @Test func killingASheetImportAppliesAllOrNothing() throws {
    let archive = try preparedArchive("s", works: 30)
    let sheet = try filledSheet(archive, juror: "ann")
    for delay in [0.005, 0.02, 0.04, 0.08] {
      try killed(after: delay, ["jury", "import", sheet, "--archive", archive])
      let progress =
        try JSONSerialization.jsonObject(
          with: Data(try salon(["jury", "progress", "--json"], archive: archive).stdout.utf8)) as! [String: Any]
      let scored = (progress["jurors"] as! [[String: Any]]).first { $0["id"] as? String == "ann" }!["scored"] as! Int
      #expect(scored == 0 || scored == 30, "all or nothing, not \(scored)")
      #expect(try salon(["verify"], archive: archive).status == 0)
    }
    #expect(try salon(["jury", "import", sheet], archive: archive).status == 0)
    let standings = try salon(["prize", "standings", "--json", "--by", "raw"], archive: archive).stdout
    #expect(standings.contains("\"scores\" : 1"))
  }

  @Test func killingAnExportAndRunningItAgainGivesTheSameSite() throws {
    let archive = try preparedArchive("e", works: 12)
    _ = try salon(["export", "-o", scratch.path("reference-site")], archive: archive)
    let expected = GalleryFixture.files(in: scratch.path("reference-site"))
    for (n, delay) in [0.05, 0.15, 0.3, 0.5].enumerated() {
      let site = scratch.path("site\(n)")
      try killed(after: delay, ["export", "-o", site, "--archive", archive])
      #expect(try salon(["verify"], archive: archive).status == 0)
      let again = try salon(["export", "-o", site], archive: archive)
      #expect(again.status == 0, "\(again.stderr)")
      #expect(GalleryFixture.files(in: site) == expected, "after a kill at \(delay) s")
    }
  }

  @Test func twoProcessesWritingAtOnceBothSucceedAndNoScoreIsLost() throws {
    let archive = try preparedArchive("c", works: 20)
    let annSheet = try filledSheet(archive, juror: "ann")
    let benSheet = try filledSheet(archive, juror: "ben")
    // More zips arrive while the jurors' sheets are imported.
    for n in 21...26 { scratch.zip("more/\(n).zip", Parts.valid("m\(n)")) }
    let processes = try [
      Binary.start(["jury", "import", annSheet, "--archive", archive]),
      Binary.start(["jury", "import", benSheet, "--archive", archive]),
      Binary.start(["ingest", scratch.path("more"), "--archive", archive]),
    ]
    for p in processes { p.waitUntilExit() }
    #expect(processes.map(\.terminationStatus) == [0, 0, 0])
    let progress =
      try JSONSerialization.jsonObject(
        with: Data(try salon(["jury", "progress", "--json"], archive: archive).stdout.utf8)) as! [String: Any]
    for juror in progress["jurors"] as! [[String: Any]] {
      #expect(juror["scored"] as? Int == 20, "\(juror["id"] ?? "") lost no score")
    }
    let list =
      try JSONSerialization.jsonObject(
        with: Data(try salon(["submissions", "list", "--json"], archive: archive).stdout.utf8)) as! [Any]
    #expect(list.count == 26)
    #expect(try salon(["verify"], archive: archive).status == 0)
  }

  @Test func theEventLogRecordsEveryKindOfEventWithTimeAndActor() throws {
    let archive = try preparedArchive("l", works: 2)
    _ = try salon(["jury", "conflict", "ann", "1"], archive: archive)
    _ = try salon(["jury", "score", "ben", "1", "--merit", "5", "--relevance", "5"], archive: archive)
    _ = try salon(["prize", "award", "1", "--force", "--note", "for the log"], archive: archive)
    _ = try salon(["prize", "reopen"], archive: archive)
    _ = try salon(["export", "-o", scratch.path("site")], archive: archive)
    let events =
      try JSONSerialization.jsonObject(with: Data(try salon(["log", "--json"], archive: archive).stdout.utf8))
      as! [[String: Any]]
    let kinds = Set(events.map { $0["kind"] as! String })
    #expect(
      kinds.isSuperset(of: ["ingest", "decision", "conflict", "score", "award", "reopen", "export", "assignment"]))
    #expect(events.allSatisfy { !($0["time"] as! String).isEmpty && !($0["actor"] as! String).isEmpty })
    let one =
      try JSONSerialization.jsonObject(
        with: Data(try salon(["log", "--json", "--submission", "1"], archive: archive).stdout.utf8)) as! [[String: Any]]
    #expect(one.allSatisfy { $0["submission"] as? String == "1" })
    #expect(Set(one.map { $0["kind"] as! String }).isSuperset(of: ["ingest", "decision", "conflict", "score"]))
  }

  func stripTimes(_ json: String) -> String {
    json.split(separator: "\n").filter { !$0.contains("\"receivedAt\"") }.joined(separator: "\n")
  }
}
