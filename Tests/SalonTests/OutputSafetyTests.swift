import Basics
import Catalog
import Foundation
import Hashing
import Testing

/// A small call whose artist fields are hostile: a title with a line break, a formula, a
/// terminal escape and a bidi override; a zip name that retitles the terminal window.
struct HostileCall {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  static let title = "Line one\n=HYPERLINK(\"http://evil.example\",\"click\")\u{1B}]0;pwned\u{07}\u{202E}gpj.exe"

  @discardableResult
  func salon(_ arguments: String..., outputTo: String? = nil, errorsTo: String? = nil, asNobody: Bool = false) throws
    -> SalonRun
  {
    try Binary.run(arguments + ["--archive", archive], outputTo: outputTo, errorsTo: errorsTo, asNobody: asNobody)
  }

  func setUp() throws {
    #expect(try salon("init", "--title", "Hostile Salon", "--year", "2026").status == 0)
    scratch.zip(
      "in/1.zip",
      [("1_main.png", Parts.image), ("1_description.pdf", Parts.description)])
    scratch.zip("in/2.zip", Parts.valid("2"))
    scratch.zip("in/3\u{1B}]0;x\u{7}.zip", Parts.valid("3"))
    let quoted = "\"" + Self.title.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    scratch.write(
      "form.csv",
      "id,title,artists,email,rights,authorship\r\n1,\(quoted),Ann,ann@x.org,yes,yes\r\n2,Plain,Bo,bo@x.org,yes,yes\r\n"
    )
    let ingest = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    #expect(ingest.status == 0, "\(ingest.stderr)")
    for id in ["1", "2"] { #expect(try salon("submissions", "decide", id, "selected").status == 0) }
    #expect(try salon("jury", "add", "Ann Juror").status == 0)
    #expect(try salon("jury", "assign").status == 0)
  }

  var catalogHash: String { SHA.of(path: archive + "/salon.sqlite") }
}

extension SHA {
  static func of(path: String) -> String {
    of(bytes: Array(FileManager.default.contents(atPath: path) ?? Data()))
  }
}

@Suite struct CSVOutputTests {
  @Test func everyFieldReadsBackExactlyAsWritten() throws {
    let values = [
      "=1+1", "-3 for framing", "+44", "@sum", "\tindent", "\rreturn", "'=quoted", "'", "''", "it's", "a\nb", "\r\n",
      "x,y", "\"quoted\"", "plain", "", "line\r", "=", "-",
    ]
    let records = try CSVReader.records(from: Data(CSVWriter.document([CSVWriter.line(values)]).utf8))
    #expect(records.count == 1)
    #expect(records[0].fields.map(CSVWriter.plainField) == values)
    // A spreadsheet sees no cell that starts a formula.
    for field in records[0].fields { #expect(!"=+-@\t\r".contains(field.first ?? " ")) }
  }

  @Test func aSheetWithALineBreakInATitleIsQuotedAndComesBackUnchanged() throws {
    let call = HostileCall()
    try call.setUp()
    let scored = try call.salon(
      "jury", "score", "ann-juror", "1", "--merit", "7", "--relevance", "6", "--comment",
      "-3 for the framing; =not a formula")
    #expect(scored.status == 0, "\(scored.stderr)")
    let sheet = call.scratch.path("ann.csv")
    #expect(try call.salon("jury", "sheet", "ann-juror", "-o", sheet).status == 0)
    let text = String(decoding: FileManager.default.contents(atPath: sheet)!, as: UTF8.self)
    #expect(text.contains("\"Line one\n=HYPERLINK(\"\"http://evil.example\"\""), "the title stays one quoted cell")
    #expect(text.contains("'-3 for the framing"))
    let records = try CSVReader.records(from: Data(text.utf8))
    #expect(records.count == 4, "a header and three works, whatever the titles hold")
    let imported = try call.salon("jury", "import", sheet, "--json")
    #expect(imported.status == 0, "\(imported.stderr)")
    let result = (try Binary.json(imported) as! [[String: Any]])[0]
    #expect(result["changes"] as? Int == 0, "an unedited sheet changes nothing")
    // The score export quotes the title too, and keeps the comment as the juror wrote it.
    let scores = call.scratch.path("scores.csv")
    #expect(try call.salon("prize", "export-scores", "-o", scores).status == 0)
    let exported = try CSVReader.records(from: FileManager.default.contents(atPath: scores)!)
    let row = try #require(exported.first { $0.fields.first == "1" })
    #expect(CSVWriter.plainField(row.fields[1]) == HostileCall.title)
    #expect(CSVWriter.plainField(row.fields[7]) == "-3 for the framing; =not a formula")
  }
}

@Suite struct TerminalTextTests {
  @Test func artistTextReachesTheTerminalVisibleAndHarmless() throws {
    let call = HostileCall()
    try call.setUp()
    #expect(try call.salon("jury", "score", "ann-juror", "1", "--merit", "7", "--relevance", "6").status == 0)
    let runs = [
      try call.salon("ingest", call.scratch.path("in"), "--form", call.scratch.path("form.csv")),
      try call.salon("submissions", "list"),
      try call.salon("submissions", "show", "1"),
      try call.salon("prize", "standings"),
      try call.salon("jury", "progress"),
      try call.salon("log"),
    ]
    for run in runs {
      let output = run.stdout + run.stderr
      #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" }, "\(output)")
    }
    #expect(runs[1].stdout.contains("Line one\\u{A}=HYPERLINK"))
    #expect(runs[2].stdout.contains("\\u{1B}]0;pwned\\u{7}\\u{202E}gpj.exe"))
    #expect(runs[0].stdout.contains("[3\\u{1B}]0;x\\u{7}.zip]"))
    // JSON stays JSON: the encoder escapes it, and the exact text is kept.
    let json = try Binary.json(try call.salon("submissions", "show", "1", "--json")) as! [String: Any]
    #expect((json["declarations"] as? [String: Any])?["title"] as? String == HostileCall.title)
  }

  @Test func visibleEscapesControlsAndBidiOnly() {
    #expect(TerminalText.visible("Café — 東京 ✓") == "Café — 東京 ✓")
    #expect(
      TerminalText.visible("a\u{1B}[2Jb\u{9B}c\u{7}\u{202E}d\u{2066}")
        == "a\\u{1B}[2Jb\\u{9B}c\\u{7}\\u{202E}d\\u{2066}")
  }
}

@Suite struct StandardStreamTests {
  @Test func aReportThatCannotBeWrittenFailsTheCommand() throws {
    let call = HostileCall()
    try call.setUp()
    for arguments in [
      ["submissions", "list"], ["submissions", "list", "--json"], ["log"], ["jury", "sheet", "ann-juror"],
    ] {
      let run = try Binary.run(arguments + ["--archive", call.archive], outputTo: "/dev/full")
      #expect(run.status == 1, "\(arguments)")
      #expect(run.stderr.contains("Salon could not write its output"), "\(arguments)")
    }
    #expect(try Binary.run(["--help"], outputTo: "/dev/full").status == 1)
  }

  @Test func anErrorThatCannotBeWrittenStillEndsCleanly() throws {
    let call = HostileCall()
    try call.setUp()
    let missing = try call.salon("submissions", "show", "nope", errorsTo: "/dev/full")
    #expect(missing.status == 1)
    let usage = try Binary.run(["exhibit"], errorsTo: "/dev/full")
    #expect(usage.status == 64)
    let both = try call.salon("submissions", "list", outputTo: "/dev/full", errorsTo: "/dev/full")
    #expect(both.status == 1)
    let written = try call.salon("jury", "sheet", "ann-juror", "-o", call.scratch.path("s.csv"), errorsTo: "/dev/full")
    #expect(written.status == 0)
    #expect(FileManager.default.fileExists(atPath: call.scratch.path("s.csv")))
  }
}

@Suite struct OutputPathTests {
  @Test func noOutputReplacesWhatTheArchiveHolds() throws {
    let call = HostileCall()
    try call.setUp()
    let before = call.catalogHash
    let archive = call.archive
    FileManager.default.createFile(
      atPath: call.scratch.path("other.sqlite"), contents: Data("SQLite format 3\0rest".utf8))
    try FileManager.default.createSymbolicLink(
      atPath: call.scratch.path("link.csv"), withDestinationPath: archive + "/salon.sqlite")
    let attempts: [[String]] = [
      ["jury", "sheet", "ann-juror", "-o", archive + "/salon.sqlite"],
      ["jury", "sheet", "ann-juror", "-o", archive + "/salon.sqlite-wal"],
      ["jury", "sheet", "ann-juror", "--format", "html", "-o", call.scratch.path("link.csv")],
      ["jury", "sheet", "ann-juror", "-o", archive + "/tmp/../store/../salon.sqlite"],
      ["jury", "sheet", "ann-juror", "-o", call.scratch.path("other.sqlite")],
      ["prize", "announce", "-o", archive + "/salon.sqlite"],
      ["prize", "export-scores", "-o", archive + "/store/x.csv"],
      ["export", "-o", archive],
      ["export", "-o", archive + "/store"],
      ["bag", "-o", archive + "/tmp/bag"],
      ["export", "--plan", archive + "/salon.sqlite"],
      ["export", "--plan", call.scratch.path("plan.tsv"), "--originals", archive + "/store"],
    ]
    for arguments in attempts {
      let run = try Binary.run(arguments + ["--archive", archive])
      #expect(run.status == 1, "\(arguments)")
      #expect(run.stderr.split(separator: "\n").count == 1, "one sentence: \(run.stderr)")
      #expect(run.stderr.contains("archive") || run.stderr.contains("database"), "\(arguments): \(run.stderr)")
    }
    let demo = try Binary.run(["demo", "-o", archive + "/salon.sqlite"])
    #expect(demo.status == 1)
    #expect(call.catalogHash == before, "the catalog is untouched")
    #expect(SHA.of(path: call.scratch.path("other.sqlite")) == SHA.of(bytes: Array("SQLite format 3\0rest".utf8)))
    #expect(try FileManager.default.contentsOfDirectory(atPath: archive + "/tmp").isEmpty)
  }

  @Test func aFolderForAFileOrAFileForAFolderGetsOneSentence() throws {
    let call = HostileCall()
    try call.setUp()
    let sheet = try call.salon("jury", "sheet", "ann-juror", "-o", call.scratch.path("in"))
    #expect(sheet.status == 1)
    #expect(sheet.stderr.contains("is a folder; -o names the file to write"))
    call.scratch.write("gallery.txt", "mine")
    let export = try call.salon("export", "-o", call.scratch.path("gallery.txt"))
    #expect(export.status == 1)
    #expect(export.stderr.contains("is a file, not a folder"))
    #expect(
      String(decoding: FileManager.default.contents(atPath: call.scratch.path("gallery.txt"))!, as: UTF8.self) == "mine"
    )
    let initOnFile = try Binary.run(["init", "--title", "X", "--archive", call.scratch.path("gallery.txt")])
    #expect(initOnFile.status == 1)
    #expect(
      initOnFile.stderr
        == "\(call.scratch.path("gallery.txt")) is a file, not an archive folder; choose a folder with --archive.\n")
    for run in [sheet, export, initOnFile] { #expect(!run.stderr.contains("Domain=")) }
  }

  @Test func anOrdinaryFileIsReplacedAllAtOnce() throws {
    let call = HostileCall()
    try call.setUp()
    let path = call.scratch.write("out/ann.csv", "an older sheet")
    #expect(try call.salon("jury", "sheet", "ann-juror", "-o", path).status == 0)
    let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
    #expect(text.hasPrefix("juror,code,submission"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: call.scratch.path("out")) == ["ann.csv"])
  }
}

@Suite struct ExportConfinementTests {
  func exported(_ call: HostileCall) throws -> String {
    let site = call.scratch.path("site")
    let run = try call.salon("export", "-o", site)
    #expect(run.status == 0, "\(run.stderr)")
    return site
  }

  @Test func aLinkPlantedInTheSiteIsNotWrittenThrough() throws {
    let call = HostileCall()
    try call.setUp()
    let site = try exported(call)
    let outside = call.scratch.path("outside")
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try FileManager.default.removeItem(atPath: site + "/assets")
    try FileManager.default.createSymbolicLink(atPath: site + "/assets", withDestinationPath: outside)
    for extra in [[], ["--clean"], ["--prune"]] {
      let run = try Binary.run(["export", "-o", site, "--archive", call.archive] + extra)
      #expect(run.status == 1)
      #expect(run.stderr.contains("assets in the export folder"))
      #expect(run.stderr.contains("is a link"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "nothing written outside")
  }

  @Test func aTamperedManifestDeletesNothingOutside() throws {
    let call = HostileCall()
    try call.setUp()
    let site = try exported(call)
    let victim = call.scratch.write("victim", "precious")
    let manifestPath = site + "/.salon-export.json"
    var manifest =
      try JSONSerialization.jsonObject(with: FileManager.default.contents(atPath: manifestPath)!) as! [String: Any]
    var files = manifest["files"] as! [String: String]
    files["../victim"] = "0"
    manifest["files"] = files
    try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: manifestPath))
    for extra in [[], ["--clean"], ["--prune"]] {
      let run = try Binary.run(["export", "-o", site, "--archive", call.archive] + extra)
      #expect(run.status == 1)
      #expect(run.stderr.contains("lists \"../victim\", which is not inside the site"))
    }
    #expect(String(decoding: FileManager.default.contents(atPath: victim)!, as: UTF8.self) == "precious")
  }

  @Test func aThemePublishesOnlyItsOwnOrdinaryFiles() throws {
    let call = HostileCall()
    try call.setUp()
    let secret = call.scratch.write("secret.txt", "LOCAL-SECRET")
    let linked = call.scratch.path("linked")
    try FileManager.default.createDirectory(atPath: linked + "/Templates", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: linked + "/Templates/_top.html", withDestinationPath: secret)
    let partial = call.scratch.path("partial")
    call.scratch.write("partial/Templates/_top.html", "{{> /../../secret}}")
    let asset = call.scratch.path("asset")
    try FileManager.default.createDirectory(atPath: asset + "/Gallery", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: asset + "/Gallery/style.css", withDestinationPath: secret)
    let cases = [
      (linked, "The theme file Templates/_top.html is a link"),
      (partial, "is not a partial name"),
      (asset, "The theme file Gallery/style.css is a link"),
    ]
    for (theme, message) in cases {
      let site = call.scratch.path("site-\(URL(fileURLWithPath: theme).lastPathComponent)")
      let run = try call.salon("export", "-o", site, "--theme", theme)
      #expect(run.status == 1)
      #expect(run.stderr.contains(message), "\(run.stderr)")
      let published = GalleryFixture.files(in: site).values.map { String(decoding: $0, as: UTF8.self) }
      #expect(!published.contains { $0.contains("LOCAL-SECRET") })
    }
  }

  @Test func pagesNoLongerMadeStayUntilPruned() throws {
    let call = HostileCall()
    try call.setUp()
    let site = try exported(call)
    let page = site + "/hostile-salon-2026/works/2.html"
    #expect(FileManager.default.fileExists(atPath: page))
    // The catalog suddenly knows fewer works (another archive, which knows none of them, exports
    // into the folder): nothing published goes. (A work declined by a recorded change does: see
    // UnpublishTests.)
    let other = call.scratch.path("other")
    #expect(try Binary.run(["init", "--title", "Hostile Salon", "--year", "2026", "--archive", other]).status == 0)
    func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", other]) }
    let kept = try salon("export", "-o", site)
    #expect(kept.status == 0)
    #expect(kept.stdout.contains("earlier export made that this one no longer does"))
    #expect(kept.stdout.contains("salon export --prune"))
    #expect(FileManager.default.fileExists(atPath: page))
    let again = try Binary.json(try salon("export", "-o", site, "--json")) as! [String: Any]
    #expect(again["removed"] as? Int == 0)
    #expect((again["kept"] as? Int ?? 0) >= 1, "still listed, so --prune finds it later")
    let pruned = try Binary.json(try salon("export", "-o", site, "--prune", "--json")) as! [String: Any]
    #expect((pruned["removed"] as? Int ?? 0) >= 1)
    #expect(pruned["kept"] as? Int == 0)
    #expect(!FileManager.default.fileExists(atPath: page))
  }
}

@Suite struct ReadOnlyArchiveTests {
  /// Run as `nobody` (through setpriv): root ignores file permissions, so the archive is only
  /// read-only for an ordinary user. The archive is theirs (it is private to its owner), with
  /// its folder and catalog made read-only.
  @Test func readingCommandsWorkOnAnArchiveSalonMayNotWrite() throws {
    let call = HostileCall()
    try call.setUp()
    #expect(chmod(call.scratch.url.path, 0o755) == 0)
    let owned = FileManager.default.enumerator(atPath: call.archive)?.allObjects as? [String] ?? []
    for path in [call.archive] + owned.map({ call.archive + "/" + $0 }) { lchown(path, 65534, 65534) }
    #expect(chmod(call.archive + "/salon.sqlite", 0o400) == 0)
    #expect(chmod(call.archive, 0o500) == 0)
    let before = call.catalogHash
    for arguments in [
      ["submissions", "list"], ["submissions", "show", "1"], ["verify"], ["prize", "standings"], ["log"],
      ["jury", "progress"],
    ] {
      let run = try call.salon(arguments, asNobody: true)
      #expect(run.status == 0, "\(arguments): \(run.stderr)")
    }
    let list = try call.salon("submissions", "list", asNobody: true)
    #expect(list.stdout.contains("Plain"))
    let decide = try call.salon("submissions", "decide", "1", "declined", asNobody: true)
    #expect(decide.status == 1)
    #expect(decide.stderr.contains("is read-only; Salon can show it"))
    #expect(call.catalogHash == before)
    #expect(!FileManager.default.fileExists(atPath: call.archive + "/salon.sqlite-wal"))
  }
}

extension HostileCall {
  func salon(_ arguments: [String], asNobody: Bool) throws -> SalonRun {
    try Binary.run(arguments + ["--archive", archive], asNobody: asNobody)
  }
}
