import Basics
import Catalog
import Foundation
import SampleContent
import Testing

/// The organiser's everyday, run with the built `salon` as an organiser runs it: a command line
/// that behaves like git, zips recognised by their bytes, spreadsheets as they really come,
/// categories for the gallery, and mistakes that can be undone.
@Suite struct OrganiserTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String..., in folder: URL? = nil) throws -> SalonRun {
    try Binary.run(arguments, in: folder)
  }

  /// `salon … --archive ARCHIVE`, the command expected to succeed.
  @discardableResult
  func ok(_ arguments: String...) throws -> SalonRun {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "salon \(arguments.joined(separator: " ")): \(run.stderr)")
    return run
  }

  func makeArchive(title: String = "Creative AI Salon", year: String = "2026") throws {
    try ok("init", "--title", title, "--year", year)
  }

  func show(_ id: String) throws -> [String: Any] {
    try Binary.json(try ok("submissions", "show", id, "--json")) as! [String: Any]
  }

  // MARK: A command line like git

  @Test func globalOptionsGoBeforeOrAfterTheCommand() throws {
    #expect(try salon("--archive", archive, "init", "--title", "Salon", "--year", "2026").status == 0)
    let before = try salon("--archive", archive, "submissions", "list")
    #expect(before.status == 0, "\(before.stderr)")
    #expect(before.stdout.contains("No submissions yet in Salon"))
    let json = try salon("--archive=\(archive)", "--json", "--exhibition", "salon-2026", "submissions", "list")
    #expect(json.status == 0, "\(json.stderr)")
    #expect(try Binary.json(json) as? [Any] != nil)
    #expect(try salon("submissions", "list", "--archive", archive).status == 0)
    // Between the command and its action, too: the archive's path is never taken for the action.
    let between = try salon("submissions", "--archive", archive, "list")
    #expect(between.status == 0, "\(between.stderr)")
    #expect(between.stdout.contains("No submissions yet in Salon"))
    let standings = try salon("prize", "--archive", archive, "--json", "standings")
    #expect(standings.status == 0, "\(standings.stderr)")
    #expect(try Binary.json(standings) as? [String: Any] != nil)
    let unknown = try salon("--archve", archive, "submissions", "list")
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("Did you mean `--archive`?"))
  }

  @Test func aSubfolderFindsItsArchiveAndOutsideOneSaysWhereItLooked() throws {
    try makeArchive()
    let deep = URL(fileURLWithPath: archive).appendingPathComponent("notes/2026")
    try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
    let inside = try salon("submissions", "list", in: deep)
    #expect(inside.status == 0, "\(inside.stderr)")
    #expect(inside.stdout.contains("No submissions yet in Creative AI Salon"))

    // One level above the archive: it names the archive, and never suggests making another.
    let outside = try salon("submissions", "list", in: scratch.url)
    #expect(outside.status == 1)
    #expect(outside.stderr.contains("There is no Salon archive in \(scratch.url.standardizedFileURL.path)"))
    #expect(outside.stderr.contains("or any folder above it"))
    #expect(outside.stderr.contains("archive holds one"))
    #expect(!outside.stderr.contains("salon init"))
    // Nowhere near one, it says where it looked and how to make one.
    let nowhere = try salon("submissions", "list", "--archive", scratch.path("elsewhere"))
    #expect(nowhere.status == 1)
    #expect(nowhere.stderr.contains("There is no Salon archive at"))
    #expect(nowhere.stderr.contains("salon init --title"))
  }

  @Test func versionAndSuggestionsForSlips() throws {
    let version = try salon("--version")
    #expect(version.status == 0)
    #expect(version.stdout.hasPrefix("salon "))
    let command = try salon("submisions", "list")
    #expect(command.status == 64)
    #expect(command.stderr.contains("Did you mean `submissions`?"))
    let flag = try salon("ingest", "x.zip", "--fomr", "form.csv")
    #expect(flag.status == 64)
    #expect(flag.stderr.contains("Unknown option --fomr. Did you mean `--form`?"))
    let action = try salon("submissions", "lsit", "--archive", archive)
    #expect(action.stderr.contains("Did you mean `list`?"))
    #expect(!(try salon("ingest", "x.zip", "--zzzzzz")).stderr.contains("Did you mean"), "no far-fetched guess")
  }

  @Test func everyMessageIsACapitalisedSentence() throws {
    try makeArchive()
    let mistakes: [[String]] = [
      ["ingest"], ["init"], ["submissions"], ["ingest", "x.zip", "--column", "title"],
      ["ingest", "x.zip", "--column", "title=T"], ["ingest", "x.zip", "--delimiter", "pipe", "--form", "f.csv"],
      ["submissions", "show"], ["exhibition"], ["exhibition", "rename", "x"], ["init", "--title", "T", "--year"],
      ["jury", "sheet"], ["prize", "export-scores", "--format", "xml"], ["settings", "colour"],
      ["submissions", "category", "1", "sculpture-garden"],
    ]
    for mistake in mistakes {
      let run = try Binary.run(mistake + ["--archive", archive])
      #expect(run.status != 0, "salon \(mistake.joined(separator: " "))")
      let first = run.stderr.first
      #expect(first?.isUppercase == true, "salon \(mistake.joined(separator: " ")) said: \(run.stderr.prefix(80))")
    }
  }

  @Test func idsSortNaturallyInListIngestAndProgress() throws {
    try makeArchive()
    for id in ["10", "2", "1"] { scratch.zip("in/\(id).zip", Parts.valid("w\(id)")) }
    let ingest = try ok("ingest", scratch.path("in"), "--json")
    let reports = (try Binary.json(ingest) as! [String: Any])["submissions"] as! [[String: Any]]
    #expect(reports.map { $0["id"] as! String } == ["1", "2", "10"])
    let list = try ok("submissions", "list")
    let ids = list.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first }
    #expect(ids.prefix(3) == ["1", "2", "10"])
    try ok("jury", "add", "Ann Juror")
    try ok("jury", "assign")
    let progress = try Binary.json(try ok("jury", "progress", "--json")) as! [String: Any]
    #expect((progress["works"] as! [[String: Any]]).map { $0["id"] as! String } == ["1", "2", "10"])
  }

  // MARK: Integrity

  @Test func theSameZipUnderAnotherNameAndWithoutAFormIsUnchanged() throws {
    try makeArchive()
    let zip = scratch.zip("S01.zip", Parts.valid("rain"))
    let form = scratch.write("form.csv", "id,file,title,artists\n7,S01.zip,Rain,Ann\n")
    #expect(try ok("ingest", zip, "--form", form).stdout.contains("7 [S01.zip]: accepted"))
    for path in [
      zip, scratch.write("renamed/received-again.zip", try Array(Data(contentsOf: URL(fileURLWithPath: zip)))),
    ] {
      let again = try ok("ingest", path)
      #expect(again.stdout.contains("already in the archive as version 1; nothing changed"), "\(again.stdout)")
      #expect(again.stdout.contains("(1 already in the archive, unchanged)"))
    }
    let list = try Binary.json(try ok("submissions", "list", "--json")) as! [[String: Any]]
    #expect(list.map { $0["id"] as! String } == ["7"])
    let seven = try show("7")
    #expect((seven["declarations"] as! [String: Any])["title"] as? String == "Rain")
    #expect((seven["versions"] as! [Any]).count == 1)
  }

  @Test func ingestWithIdMakesTheNextVersionAndKeepsTheDeclarations() throws {
    try makeArchive()
    let form = scratch.write("form.csv", "id,file,title,artists\n7,S01.zip,Rain,Ann\n")
    try ok("ingest", scratch.zip("S01.zip", Parts.valid("rain")), "--form", form)
    let fixed = scratch.zip("S01_v2.zip", Parts.valid("rain") + [("rain_supplementary_1.png", Parts.image)])
    let run = try ok("ingest", fixed, "--id", "7")
    #expect(run.stdout.contains("7 [S01_v2.zip]: accepted (new version 2)"), "\(run.stdout)")
    #expect(run.stdout.contains("declarations-kept"))
    let seven = try show("7")
    #expect((seven["versions"] as! [[String: Any]]).map { $0["zip"] as! String } == ["S01.zip", "S01_v2.zip"])
    #expect((seven["declarations"] as! [String: Any])["title"] as? String == "Rain")
    let list = try Binary.json(try ok("submissions", "list", "--json")) as! [Any]
    #expect(list.count == 1, "no separate S01_v2 submission")

    let unknown = try salon("ingest", fixed, "--id", "8", "--archive", archive)
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("There is no submission \"8\""))
    let two = try salon("ingest", scratch.path("S01.zip"), fixed, "--id", "7", "--archive", archive)
    #expect(two.status == 64)
  }

  @Test func filesThatAreNotZipsAndZipsInSubfoldersAreNamed() throws {
    try makeArchive()
    scratch.zip("in/1.zip", Parts.valid())
    scratch.write("in/cover.jpg", "not a zip")
    scratch.write("in/notes.txt", "not a zip")
    scratch.write("in/.DS_Store", "junk")
    let run = try ok("ingest", scratch.path("in"))
    #expect(run.stdout.contains("Skipped 2 files that are not zips: cover.jpg, notes.txt."), "\(run.stdout)")
    let json = try Binary.json(try ok("ingest", scratch.path("in"), "--json")) as! [String: Any]
    #expect(
      (json["skipped"] as! [String]).map { URL(fileURLWithPath: $0).lastPathComponent } == ["cover.jpg", "notes.txt"])

    scratch.zip("portal/101/paper.zip", Parts.valid())
    scratch.zip("portal/102/paper.zip", Parts.valid())
    // Nothing ingested is a failure a script sees (no-zips-found, exit 1).
    let nested = try salon("ingest", scratch.path("portal"), "--archive", archive)
    #expect(nested.status == 1 && nested.stderr.contains("No zip files found"), "\(nested.stderr)")
    #expect(nested.stderr.contains("holds no zip itself, but 2 of its subfolders do (101, 102)"), "\(nested.stderr)")
  }

  @Test func theReadmesInferenceWarningsHold() throws {
    try makeArchive()
    scratch.zip("in/5.zip", [("Work/5_main.png", Parts.image), ("Work/5_description.pdf", Parts.description)])
    scratch.zip("in/6.zip", [("artwork_X_main.png", Parts.image), ("artwork_X_description.pdf", Parts.description)])
    scratch.zip("in/7.zip", Parts.valid())
    let json = try Binary.json(try ok("ingest", scratch.path("in"), "--json")) as! [String: Any]
    let reports = json["submissions"] as! [[String: Any]]
    func inferred(_ report: [String: Any]) -> [String] {
      (report["warnings"] as! [[String: Any]]).filter { $0["code"] as? String == "role-inferred" }
        .compactMap { $0["file"] as? String }
    }
    #expect(inferred(reports[0]) == ["Work/5_main.png", "Work/5_description.pdf"])
    #expect(inferred(reports[1]) == ["artwork_X_main.png", "artwork_X_description.pdf"])
    #expect(inferred(reports[2]).isEmpty, "a conventional zip gets no inference warning")
  }

  @Test func jsonLeavesOutKeysWithoutAValueAndKeepsEmptyLists() throws {
    try makeArchive()
    scratch.zip("in/1.zip", Parts.valid())
    let run = try ok("ingest", scratch.path("in"), "--json")
    #expect(!run.stdout.contains("null"))
    let report = ((try Binary.json(run) as! [String: Any])["submissions"] as! [[String: Any]])[0]
    #expect(report["problems"] as? [Any] != nil && (report["problems"] as! [Any]).isEmpty)
    #expect(report["decision"] == nil)
    #expect(!(try ok("submissions", "show", "1", "--json")).stdout.contains("null"))
  }

  @Test func manyIdenticalWarningsAreOneLine() throws {
    try makeArchive()
    let extras = (1...40).map { ("notes/page-\($0).txt", Array("page \($0)".utf8)) }
    scratch.zip("in/1.zip", Parts.valid() + extras)
    let run = try ok("ingest", scratch.path("in"))
    let unknownRole = run.stdout.split(separator: "\n").filter { $0.contains("unknown-role") }
    #expect(unknownRole.count == 1, "\(run.stdout)")
    #expect(unknownRole.first?.contains("unknown-role, 40 files:") == true)
    #expect(unknownRole.first?.contains("and 39 more like it") == true)
    let json = try Binary.json(try ok("submissions", "show", "1", "--json")) as! [String: Any]
    #expect((json["warnings"] as! [[String: Any]]).filter { $0["code"] as? String == "unknown-role" }.count == 40)
  }

  // MARK: Spreadsheets as they really come

  @Test func semicolonAndTabFormsImportWithTheRightColumns() throws {
    try makeArchive()
    scratch.zip("in/24.zip", Parts.valid())
    for (name, separator, word) in [("excel.csv", ";", "semicolon"), ("sheet.tsv", "\t", "tab")] {
      let form = scratch.write(
        name,
        ["Submission ID", "Title", "Authors", "Rights"].joined(separator: separator) + "\r\n"
          + ["24", "\"Rain; again, \"\"twice\"\"\"", "Ann, Bo", "Yes"].joined(separator: separator) + "\r\n")
      let run = try ok("ingest", scratch.path("in"), "--form", form)
      #expect(run.stdout.contains("Form export: \(word)-separated (read from its header line)."), "\(run.stdout)")
      #expect(run.stdout.contains("title ← \"Title\""))
      let declarations = try show("24")["declarations"] as! [String: Any]
      #expect(declarations["title"] as? String == "Rain; again, \"twice\"")
      #expect(declarations["artists"] as? String == "Ann, Bo")
      #expect(declarations["rightsGranted"] as? String == "yes")
    }
    // Forced: a comma file read as semicolons has one column, which Salon does not recognise.
    let comma = scratch.write("comma.csv", "id,title\n24,Rain\n")
    let forced = try salon(
      "ingest", scratch.path("in"), "--form", comma, "--delimiter", "semicolon", "--archive", archive)
    #expect(forced.stdout.contains("Form export: semicolon-separated (as --delimiter says)."), "\(forced.stdout)")
    #expect(forced.stdout.contains("Form columns: title ← \"id,title\"."), "one column, as forced")
    let bad = try salon("ingest", scratch.path("in"), "--form", comma, "--delimiter", "pipe", "--archive", archive)
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("Option --delimiter is comma, semicolon or tab"))
  }

  @Test func exportedScoresAreOneTablePerFile() throws {
    try makeArchive()
    for id in ["1", "2"] { scratch.zip("in/\(id).zip", Parts.valid("w\(id)")) }
    try ok("ingest", scratch.path("in"))
    try ok("jury", "add", "Eve")
    try ok("jury", "assign")
    try ok("jury", "score", "eve", "1", "--merit", "7", "--relevance", "8", "--comment", "Fine, really")
    try ok("jury", "score", "eve", "1", "--merit", "9", "--relevance", "8")
    func rows(_ csv: String) throws -> [[String]] { try CSVReader.records(from: csv).map(\.fields) }
    let scores = try rows(try ok("prize", "export-scores").stdout)
    #expect(
      scores.first == ["submission", "title", "juror", "juror_name", "criterion", "raw", "normalized", "comment"])
    #expect(scores.count == 3, "one header, one row per criterion scored: \(scores)")
    #expect(!(try ok("prize", "export-scores").stdout.contains("\r\n\r\n")), "no second table after a blank line")
    let history = try rows(try ok("prize", "export-scores", "--format", "history-csv").stdout)
    #expect(history.first == ["time", "submission", "juror", "criterion", "value", "previous", "source", "actor"])
    #expect(history.dropFirst().allSatisfy { $0.count == 8 })
    #expect(history.count == 4, "three changes (an unchanged score is none): \(history)")
  }

  @Test func anAssignmentShortfallIsOneSummaryLine() throws {
    try makeArchive()
    for id in ["1", "2", "3"] { scratch.zip("in/\(id).zip", Parts.valid("w\(id)")) }
    try ok("ingest", scratch.path("in"))
    try ok("jury", "add", "Eve")
    let run = try ok("jury", "assign", "--per-work", "2")
    let warnings = run.stdout.split(separator: "\n").filter { $0.contains("!") }
    #expect(warnings.count == 1, "\(run.stdout)")
    #expect(warnings.first?.contains("3 works have fewer jurors than asked") == true)
    let json = try Binary.json(try ok("jury", "assign", "--per-work", "2", "--json")) as! [String: Any]
    #expect((json["shortfalls"] as! [String]).count == 3)
  }

  // MARK: Categories

  @Test func theFormsMediumMapsToTheCallsCategories() throws {
    try makeArchive()
    for id in ["1", "2", "3", "4"] { scratch.zip("in/\(id).zip", Parts.valid("w\(id)")) }
    let form = scratch.write(
      "form.csv",
      """
      id,title,medium,rights,authorship
      1,Sea,Image (digital painting),yes,yes
      2,Dunes,Image (photography composite),yes,yes
      3,Loop,Short film,yes,yes
      4,Proof,Interactive poem,yes,yes

      """)
    let run = try ok("ingest", scratch.path("in"), "--form", form)
    #expect(run.stdout.contains("\"Image (digital painting)\" → visual art"), "\(run.stdout)")
    #expect(run.stdout.contains("\"Image (photography composite)\" → visual art"))
    #expect(run.stdout.contains("\"Short film\" → film"))
    #expect(try show("1")["category"] as? String == "visual-art")
    #expect(try show("4")["category"] as? String == "games")

    // The organiser overrides one; a later version keeps the choice.
    #expect(try ok("submissions", "category", "4", "writing").stdout.contains("category writing"))
    #expect(try show("4")["category"] as? String == "writing")
    try ok("ingest", scratch.zip("4-v2.zip", Parts.valid("w4v2")), "--id", "4", "--form", form)
    #expect(try show("4")["category"] as? String == "writing")
    #expect(try salon("submissions", "category", "4", "sculpture", "--archive", archive).status == 64)

    for id in ["1", "2", "3", "4"] { try ok("submissions", "decide", id, "selected") }
    let gallery = scratch.path("gallery")
    try ok("export", "-o", gallery)
    let files = try FileManager.default.contentsOfDirectory(atPath: gallery + "/creative-ai-salon-2026")
    #expect(
      Set(files.filter { $0.hasPrefix("medium-") }) == [
        "medium-visual-art.html", "medium-film.html", "medium-writing.html",
      ])
    let visual = try String(contentsOfFile: gallery + "/creative-ai-salon-2026/medium-visual-art.html", encoding: .utf8)
    #expect(visual.contains("Sea") && visual.contains("Dunes") && !visual.contains("Loop"))
  }

  // MARK: Mistakes are undoable

  @Test func anAccidentalExhibitionIsRemovedAndTheDefaultChosen() throws {
    try makeArchive(title: "Creative AI Salon", year: "2026")
    let accident = try ok("init", "--title", "x", "--year", "2027")
    #expect(accident.stdout.contains("salon exhibition remove x-2027"))
    #expect(try ok("exhibition", "default").stdout.hasPrefix("x-2027"))
    let list = try ok("exhibition", "list").stdout
    #expect(list.contains("* x-2027"))
    #expect(list.contains("  creative-ai-salon-2026"))
    #expect(
      try ok("exhibition", "remove", "x-2027").stdout.contains("The default exhibition is creative-ai-salon-2026"))
    #expect(!(try ok("exhibition", "list").stdout.contains("x-2027")))
    #expect(try salon("submissions", "list", "--exhibition", "x-2027", "--archive", archive).status == 1)
    // The slug is free again.
    try ok("init", "--title", "x", "--year", "2027")

    // Removing one that holds something is refused; hiding keeps it out of the gallery and the default.
    scratch.zip("in/1.zip", Parts.valid())
    try ok("ingest", scratch.path("in"), "--exhibition", "creative-ai-salon-2026")
    let refused = try salon("exhibition", "remove", "creative-ai-salon-2026", "--archive", archive)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("holds 1 submission, so it cannot be removed"))
    try ok("exhibition", "hide", "x-2027")
    #expect(try ok("exhibition", "default").stdout.hasPrefix("creative-ai-salon-2026"))
    try ok("exhibition", "rename", "creative-ai-salon-2026", "Creative AI Salon, first edition")
    let gallery = scratch.path("gallery")
    try ok("export", "-o", gallery)
    let index = try String(contentsOfFile: gallery + "/index.html", encoding: .utf8)
    #expect(index.contains("Creative AI Salon, first edition"))
    #expect(!index.contains("x-2027/"), "a hidden exhibition stays out of the gallery")

    // An explicit default wins over the newest.
    try ok("exhibition", "show", "x-2027")
    try ok("exhibition", "default", "creative-ai-salon-2026")
    #expect(try ok("submissions", "list").stdout.contains("1 submissions"))
    let json = try Binary.json(try ok("exhibition", "list", "--json")) as! [[String: Any]]
    #expect(json.map { $0["slug"] as! String } == ["x-2027", "creative-ai-salon-2026"])
    #expect(json.map { $0["isDefault"] as! Bool } == [false, true])
  }

  @Test func theSiteTitleIsASettingOfTheArchive() throws {
    try ok("init", "--title", "Salon", "--year", "2026", "--site-title", "Workshop on Creativity & AI")
    #expect(try ok("settings").stdout.contains("site-title: Workshop on Creativity & AI"))
    let gallery = scratch.path("gallery")
    try ok("export", "-o", gallery)
    let index = try String(contentsOfFile: gallery + "/index.html", encoding: .utf8)
    #expect(index.contains("Workshop on Creativity &amp; AI"))
    #expect(!index.contains("Exhibition archive"))
    try ok("settings", "site-title", "Creative AI Archive")
    try ok("export", "-o", gallery)
    #expect(try String(contentsOfFile: gallery + "/index.html", encoding: .utf8).contains("Creative AI Archive"))
    #expect(try salon("settings", "site-title", " ", "--archive", archive).status == 1)
  }

  @Test func theSiteDescriptionIsASettingOfTheArchiveOnTheHomePage() throws {
    try ok(
      "init", "--title", "Salon", "--year", "2026", "--site-description",
      "Works made with and without AI,\n  shown <every> year.")
    let settings = try Binary.json(try ok("settings", "--json")) as! [String: String]
    #expect(settings["siteDescription"] == "Works made with and without AI, shown <every> year.")
    let gallery = scratch.path("gallery")
    try ok("export", "-o", gallery, "--base-url", "https://salon.example.org/")
    var index = try String(contentsOfFile: gallery + "/index.html", encoding: .utf8)
    let escaped = "Works made with and without AI, shown &lt;every&gt; year."
    #expect(index.contains("<p class=\"site-description\">\(escaped)</p>"))
    #expect(index.contains("<meta name=\"description\" content=\"\(escaped)\">"))
    #expect(index.contains("<meta property=\"og:description\" content=\"\(escaped)\">"))
    #expect(
      try String(contentsOfFile: gallery + "/feed.xml", encoding: .utf8).contains("<subtitle>\(escaped)</subtitle>"))
    // Only the home page says it: an exhibition's pages describe the exhibition.
    let prize = try String(contentsOfFile: gallery + "/salon-2026/prize.html", encoding: .utf8)
    #expect(!prize.contains("site-description") && !prize.contains(escaped))

    try ok("settings", "site-description", "A yearly call for creative work.")
    #expect(try ok("settings").stdout.contains("site-description: A yearly call for creative work."))
    try ok("export", "-o", gallery)
    index = try String(contentsOfFile: gallery + "/index.html", encoding: .utf8)
    #expect(index.contains("content=\"A yearly call for creative work.\""))
    #expect(!index.contains(escaped))

    let tooLong = String(repeating: "a", count: 301)
    let refused = try salon("settings", "site-description", tooLong, "--archive", archive)
    #expect(refused.status == 1 && refused.stderr.contains("at most 300 characters"))
    #expect(try ok("settings").stdout.contains("site-description: A yearly call for creative work."))

    // "" removes it: the home page goes back to naming its exhibitions.
    try ok("settings", "site-description", "")
    #expect(try ok("settings").stdout.contains("site-description: (none)"))
    try ok("export", "-o", gallery)
    index = try String(contentsOfFile: gallery + "/index.html", encoding: .utf8)
    #expect(!index.contains("site-description") && index.contains("content=\"Salon (2026).\""))
    let initTooLong = try salon("init", "--title", "B", "--site-description", tooLong, "--archive", scratch.path("b"))
    #expect(initTooLong.status == 64 && !FileManager.default.fileExists(atPath: scratch.path("b")))
  }
}
