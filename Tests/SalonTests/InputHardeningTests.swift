import Foundation
import SQLite
import Testing

/// Oversized settings and hostile form exports get one sentence, never a crash, through the binary.
@Suite struct OversizedSettingTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  @Test func everyOversizedInitSettingIsAUsageErrorNamingTheFlagAndItsRange() throws {
    let cases: [([String], String)] = [
      (["--max-zip-mb", "1e20"], "--max-zip-mb takes a number from 1 to 10240 (MB), not \"1e20\"."),
      (["--max-files", "3e18"], "--max-files takes a whole number from 1 to 100000 (files), not \"3e18\"."),
      (["--max-files", "3000000000000000000"], "--max-files takes a whole number from 1 to 100000"),
      (["--prize", "1e20"], "--prize takes a number from 0 to 1000000000, not \"1e20\"."),
      (["--prize", "-5"], "--prize takes a number from 0 to 1000000000"),
      (["--max-unpacked-mb", "1e300"], "--max-unpacked-mb takes a number from 1 to 1048576 (MB)"),
      (["--max-megapixels", "inf"], "--max-megapixels takes a number from 0.01 to 100000"),
      (["--max-video-seconds", "nan"], "--max-video-seconds takes a number from 1 to 86400"),
      (["--max-description-pages", "9223372036854775807"], "--max-description-pages takes a whole number"),
      (["--year", "99999999999"], "--year takes a whole number from 1 to 9999"),
      (
        ["--criterion", "merit:Merit:1e308"], "The weight in \"merit:Merit:1e308\" must be a number from 0.001 to 1000."
      ),
      (["--criterion", "merit:Merit:0"], "must be a number from 0.001 to 1000"),
      (["--criterion", "merit:Merit:1:1-99999999999999999999"], "The scale in"),
    ]
    for (flags, sentence) in cases {
      let run = try Binary.run(["init", "--title", "Salon"] + flags + ["--archive", archive])
      #expect(run.status == 64, "\(flags): \(run.stderr)")
      #expect(run.stderr.contains(sentence), "\(flags): \(run.stderr)")
      #expect(!FileManager.default.fileExists(atPath: archive), "nothing is created for \(flags)")
    }
  }

  @Test func theLargestSettingsInRangeWorkThroughIngestRubricAwardAndExport() throws {
    #expect(
      try salon(
        "init", "--title", "Salon", "--max-zip-mb", "10240", "--max-files", "100000", "--prize", "1000000000",
        "--max-unpacked-mb", "1048576", "--max-megapixels", "100000", "--max-video-seconds", "86400",
        "--criterion", "merit:Merit:1000:0-1000", "--criterion", "fit:Fit:0.001:0-1000"
      ).status == 0)
    scratch.zip("in/1.zip", Parts.valid("w1"))
    scratch.write("form.csv", "id,title,rights,authorship\n1,One,yes,yes\n")
    #expect(try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv")).status == 0)
    #expect(try salon("submissions", "decide", "1", "selected").status == 0)
    let rubric = try salon("jury", "rubric")
    #expect(rubric.status == 0, "\(rubric.stderr)")
    #expect(rubric.stdout.contains("merit: Merit, 0 to 1000, weight 1000 (100%)"))
    #expect(try salon("jury", "rubric", "--criterion", "merit:Merit:1e308").status == 64)
    _ = try salon("jury", "add", "Eve")
    #expect(try salon("jury", "assign", "--per-work", "9223372036854775807").status == 64)
    #expect(try salon("jury", "assign").status == 0)
    #expect(try salon("jury", "score", "eve", "1", "--merit", "1000", "--fit", "1000").status == 0)
    #expect(try salon("jury", "score", "eve", "1", "--merit", "99999999999999999999").status == 64)
    #expect(try salon("prize", "award", "1", "--amount", "1e20").status == 64)
    let award = try salon("prize", "award", "1")
    #expect(award.status == 0, "\(award.stderr)")
    #expect(award.stdout.contains("Awarded 1000000000 USD to 1 One."))
    _ = try salon("submissions", "decide", "1", "selected")
    let export = try salon("export", "-o", scratch.path("site"))
    #expect(export.status == 0, "\(export.stderr)")
    #expect(try salon("prize", "announce").stdout.contains("1000000000"))
  }
}

@Suite struct FormEncodingTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func ingest(form bytes: [UInt8]) throws -> SalonRun {
    if !FileManager.default.fileExists(atPath: archive) { _ = try salon("init", "--title", "Salon") }
    scratch.zip("in/7.zip", Parts.valid("w"))
    scratch.write("form.csv", bytes)
    return try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--json")
  }

  func utf16(_ text: String, littleEndian: Bool, mark: Bool = true) -> [UInt8] {
    let units: [UInt16] = (mark ? [0xFEFF] : []) + Array(text.utf16)
    return units.flatMap { unit -> [UInt8] in
      let (high, low) = (UInt8(unit >> 8), UInt8(unit & 0xFF))
      return littleEndian ? [low, high] : [high, low]
    }
  }

  func declarations(_ run: SalonRun) throws -> [String: Any] {
    let json = try Binary.json(run) as! [String: Any]
    let submission = (json["submissions"] as! [[String: Any]])[0]
    #expect(submission["id"] as? String == "7")
    let shown = try Binary.json(try salon("submissions", "show", "7", "--json")) as! [String: Any]
    return shown["declarations"] as! [String: Any]
  }

  @Test func utf16WithItsByteOrderMarkIsReadInEitherByteOrder() throws {
    for little in [true, false] {
      let run = try ingest(form: utf16("id,title,artists\r\n7,Café 🎨,Ann\r\n", littleEndian: little))
      #expect(run.status == 0, "\(run.stderr)")
      let d = try declarations(run)
      #expect(d["title"] as? String == "Café 🎨")
      #expect(d["artists"] as? String == "Ann")
    }
  }

  @Test func utf8WithItsByteOrderMarkIsRead() throws {
    let run = try ingest(form: [0xEF, 0xBB, 0xBF] + Array("id,title\n7,Rain\n".utf8))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try declarations(run)["title"] as? String == "Rain")
  }

  @Test func undecodableExportsAreRefusedNamingTheLineAndByte() throws {
    let cases: [([UInt8], String)] = [
      (
        utf16("id,title\r\n7,Rain\r\n", littleEndian: true, mark: false),
        "Line 1 of the form export is malformed: byte 2 is a NUL"
      ),
      (
        Array("id,title\n7,Ra".utf8) + [0] + Array("in\n".utf8),
        "Line 2 of the form export is malformed: byte 14 is a NUL"
      ),
      (
        Array("id,title\n7,Caf".utf8) + [0xE9] + [0x0A],
        "Line 2 of the form export is malformed: byte 15 is not UTF-8 text"
      ),
      (Array("id,title\n7,".utf8) + [0xC0, 0xAF], "Line 2 of the form export is malformed: byte 12 is not UTF-8 text"),
      ([0x81], "Line 1 of the form export is malformed: byte 1 is not UTF-8 text"),
      (utf16("id\r\n", littleEndian: true) + [0x37], "byte 11 is half of a UTF-16 character"),
    ]
    for (bytes, sentence) in cases {
      let run = try ingest(form: bytes)
      #expect(run.status == 1, "\(sentence): \(run.stderr)")
      #expect(run.stderr.contains(sentence), "\(sentence): \(run.stderr)")
      #expect(run.stderr.split(separator: "\n").count == 1, "one sentence: \(run.stderr)")
      #expect(!run.stderr.contains("empty"))
    }
    let list = try salon("submissions", "list", "--json")
    #expect((try Binary.json(list) as? [Any])?.isEmpty == true, "nothing ingested: \(list.stdout)")
  }

  @Test func aHeaderWithoutRowsOrAJunkByteSaysSoAccurately() throws {
    let header = try ingest(form: Array("id,title,artists\r\n".utf8))
    #expect(header.status == 1)
    #expect(
      header.stderr.contains(
        "The form export has a header row (id,title,artists) but no submissions below it; it needs one row per submission."
      ), "\(header.stderr)")
    let junk = try ingest(form: Array("x".utf8))
    #expect(junk.status == 1)
    #expect(junk.stderr.contains("holds only the line \"x\", with no column Salon recognises"), "\(junk.stderr)")
    let blank = try ingest(form: Array(" \r\n\n".utf8))
    #expect(blank.stderr.contains("The form export is empty"), "\(blank.stderr)")
  }
}

/// A catalog that fails its integrity check is refused with one sentence and a stable code.
@Suite struct DamagedCatalogTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var catalog: String { archive + "/salon.sqlite" }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func setUp() throws {
    _ = try salon("init", "--title", "Salon")
    for n in 1...3 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.write("form.csv", "id,title,rights,authorship\n1,One,yes,yes\n2,Two,yes,yes\n3,Three,yes,yes\n")
    #expect(try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv")).status == 0)
    #expect(try salon("submissions", "list").stdout.contains("One"))
  }

  /// Changes the catalog behind Salon's back, as a damaged disk or a careless hand would.
  func tamper(_ sql: String) throws {
    let database = try Database(path: catalog)
    try database.execute("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;")
    try database.execute(sql)
  }

  func expectRefused(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for command in [["submissions", "list"], ["verify"], ["export", "-o", scratch.path("site")], ["jury", "rubric"]] {
      let run = try Binary.run(command + ["--archive", archive])
      #expect(run.status == 1, "\(what): \(command) \(run.stdout)", sourceLocation: sourceLocation)
      #expect(
        run.stderr.contains("fails its integrity check (catalog-damaged: "), "\(run.stderr)",
        sourceLocation: sourceLocation)
      #expect(
        run.stderr.split(separator: "\n").count == 1, "one sentence: \(run.stderr)", sourceLocation: sourceLocation)
      #expect(!run.stdout.contains("No submissions yet"), sourceLocation: sourceLocation)
    }
  }

  @Test func aDamagedExhibitionRowIsRefusedNotShownAsAnEmptyExhibition() throws {
    try setUp()
    try tamper("UPDATE exhibition SET id = 99")
    try expectRefused("exhibition id changed")
    #expect(try salon("submissions", "list").stderr.contains("submission 1 belongs to no exhibition"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("site")), "export wrote nothing")
  }

  @Test func outOfRangeValuesInTheCatalogAreRefusedBeforeAnyArithmetic() throws {
    for sql in [
      "UPDATE exhibition SET max_zip_bytes = 1e20", "UPDATE exhibition SET prize_amount = 1e20",
      "UPDATE exhibition SET year = 'soon'", "UPDATE exhibition SET max_entries = 'lots'",
      "UPDATE criterion SET weight = 1e308", "UPDATE criterion SET scale_max = 9223372036854775807",
    ] {
      let scratchArchive = DamagedCatalogTests()
      try scratchArchive.setUp()
      try scratchArchive.tamper(sql)
      try scratchArchive.expectRefused(sql)
    }
  }

  @Test func aMissingVersionOrStoreEntryIsRefused() throws {
    try setUp()
    try tamper("DROP TRIGGER blob_no_delete; DELETE FROM blob WHERE sha256 = (SELECT zip_sha256 FROM version LIMIT 1)")
    try expectRefused("zip blob row deleted")
    #expect(try salon("verify").stderr.contains("its zip is not in the store"))
  }

  @Test func aDamagedPageOfTheFileIsRefused() throws {
    try setUp()
    let (page, size) = try {
      let database = try Database(path: catalog)
      try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
      let root = try database.queryOne("SELECT rootpage FROM sqlite_master WHERE name = 'version'")!.int("rootpage")
      return (root, try database.queryOne("PRAGMA page_size")!.int("page_size"))
    }()
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: catalog))
    try handle.seek(toOffset: UInt64((page - 1) * size + 8))
    try handle.write(contentsOf: Data(repeating: 0xA5, count: size - 16))
    try handle.close()
    try expectRefused("version table page overwritten")
  }

  @Test func theCheckPassesOnAHealthyArchiveAfterEveryKindOfWork() throws {
    try setUp()
    _ = try salon("jury", "add", "Eve")
    _ = try salon("jury", "assign")
    #expect(try salon("jury", "score", "eve", "1", "--merit", "7", "--relevance", "8").status == 0)
    #expect(try salon("verify").status == 0)
  }
}

/// A zip that maps onto another artist's submission is kept apart; a new version keeps its declarations.
@Suite struct SubmissionIdentityTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func show(_ id: String) throws -> [String: Any] {
    try Binary.json(try salon("submissions", "show", id, "--json")) as! [String: Any]
  }

  func ingest(_ folder: String, form: String? = nil) throws -> [[String: Any]] {
    let run = try Binary.run(
      ["ingest", scratch.path(folder), "--json", "--archive", archive]
        + (form.map { ["--form", scratch.path($0)] } ?? []))
    #expect(run.status == 0, "\(run.stderr)")
    return (try Binary.json(run) as! [String: Any])["submissions"] as! [[String: Any]]
  }

  func codes(_ report: [String: Any]) -> [String] {
    (report["warnings"] as! [[String: Any]]).map { $0["code"] as! String }
  }

  @Test func twoZipsCarryingTheSameFormIdAreKeptApartUntilAttached() throws {
    _ = try salon("init", "--title", "Salon")
    scratch.zip("in/ann.zip", Parts.valid("a"))
    scratch.zip("in/bob.zip", Parts.valid("b"))
    scratch.write("form.csv", "id,file,title,artists\n12,ann.zip,Rain,Ann\n12,bob.zip,Snow,Bob\n")
    let reports = try ingest("in", form: "form.csv")
    #expect(reports.map { $0["id"] as? String } == ["12", "12-conflict-1"])
    #expect(reports.map { $0["change"] as? String } == ["new", "new"], "no silent version 2")
    #expect(codes(reports[1]).contains("id-conflict"))
    let warning = (reports[1]["warnings"] as! [[String: Any]]).first { $0["code"] as? String == "id-conflict" }!
    #expect(
      warning["message"] as? String
        == "Submission 12 already holds another zip (ann.zip, by Ann), so this one is kept apart as 12-conflict-1; if it is in fact a new version of 12, run `salon submissions merge 12-conflict-1 --into 12`."
    )
    #expect((try show("12")["declarations"] as! [String: Any])["artists"] as? String == "Ann")
    #expect((try show("12-conflict-1")["declarations"] as! [String: Any])["artists"] as? String == "Bob")
    // The same batch again changes nothing and makes no second provisional id.
    let again = try ingest("in", form: "form.csv")
    #expect(again.map { $0["change"] as? String } == ["unchanged", "unchanged"])
    #expect(again.map { $0["id"] as? String } == ["12", "12-conflict-1"])

    let attach = try salon("submissions", "attach", "12-conflict-1", "12")
    #expect(attach.status == 0, "\(attach.stderr)")
    let twelve = try show("12")
    #expect(twelve["version"] as? Int == 2)
    #expect(twelve["zip"] as? String == "bob.zip")
    #expect(try show("12-conflict-1")["decision"] as? String == "declined")
    #expect(try salon("submissions", "attach", "nope", "12").status == 1)
  }

  @Test func aZipNamedLikeAnotherRowsIdIsKeptApart() throws {
    _ = try salon("init", "--title", "Salon")
    scratch.zip("first/alice.zip", Parts.valid("a"))
    scratch.write("form.csv", "id,file,title,artists\n7,alice.zip,Rain,Alice\n3,bob-final.zip,Snow,Bob\n")
    _ = try ingest("first", form: "form.csv")
    scratch.zip("second/7.zip", Parts.valid("b"))
    for form in ["form.csv", nil] {
      let report = try ingest("second", form: form)[0]
      #expect(report["id"] as? String == "7-conflict-1", "form: \(form ?? "none")")
      #expect(codes(report).contains("id-conflict"))
    }
    #expect((try show("7")["versions"] as! [Any]).count == 1, "Alice's submission is untouched")
  }

  @Test func aCorrectedZipWithoutTheFormKeepsItsDeclarationsAndSaysSo() throws {
    _ = try salon("init", "--title", "Salon", "--year", "2026")
    scratch.zip("in/12.zip", Parts.valid("a"))
    scratch.write("form.csv", "id,title,artists,rights,authorship\n12,Rain,Ann,yes,yes\n")
    _ = try ingest("in", form: "form.csv")
    #expect(try salon("submissions", "decide", "12", "selected").status == 0)
    // A same-named zip without a form row is its own submission; the organiser's --id makes it 12's.
    scratch.zip("in/12.zip", Parts.valid("corrected"))
    let run = try Binary.run(["ingest", scratch.path("in/12.zip"), "--id", "12", "--json", "--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    let report = ((try Binary.json(run) as! [String: Any])["submissions"] as! [[String: Any]])[0]
    #expect(report["id"] as? String == "12")
    #expect(report["change"] as? String == "new-version")
    #expect(codes(report).contains("declarations-kept"))
    #expect(!codes(report).contains("no-declarations"))
    let shown = try show("12")
    #expect(shown["hasDeclarations"] as? Bool == true)
    #expect((shown["declarations"] as! [String: Any])["rightsGranted"] as? String == "yes")
    // A new version waits for the organiser's decision before it is published again.
    #expect(shown["decision"] == nil)
    #expect(try salon("submissions", "decide", "12", "selected").status == 0)
    let export = try salon("export", "-o", scratch.path("site"))
    #expect(export.status == 0, "\(export.stderr)")
    #expect(
      FileManager.default.fileExists(atPath: scratch.path("site/salon-2026/works/12.html")),
      "the selected work is still in the gallery")

    // A form row for a newer version replaces the declarations, and says so.
    scratch.zip("in/12.zip", Parts.valid("third"))
    scratch.write("form2.csv", "id,title,artists,rights,authorship\n12,Rain (revised),Ann,yes,yes\n")
    let thirdRun = try Binary.run(
      [
        "ingest", scratch.path("in/12.zip"), "--id", "12", "--form", scratch.path("form2.csv"), "--json", "--archive",
        archive,
      ])
    #expect(thirdRun.status == 0, "\(thirdRun.stderr)")
    let third = ((try Binary.json(thirdRun) as! [String: Any])["submissions"] as! [[String: Any]])[0]
    #expect(codes(third).contains("declarations-replaced"))
    #expect((try show("12")["declarations"] as! [String: Any])["title"] as? String == "Rain (revised)")
  }
}
