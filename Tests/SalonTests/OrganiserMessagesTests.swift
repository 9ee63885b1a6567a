import Foundation
import Testing

/// What organisers are told (issue 22), through the built `salon` as an organiser would run it:
/// a failure a script can see, declarations corrected without a new version, advice that works,
/// usage errors that are not buried, and sheets and rooms that read well.
@Suite struct OrganiserMessagesTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  @discardableResult
  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  @discardableResult
  func ok(_ arguments: String...) throws -> SalonRun {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "salon \(arguments.joined(separator: " ")): \(run.stderr)")
    return run
  }

  func show(_ id: String) throws -> [String: Any] {
    try Binary.json(try ok("submissions", "show", id, "--json")) as! [String: Any]
  }

  func declarations(_ id: String) throws -> [String: Any] { try show(id)["declarations"] as! [String: Any] }

  func standings() throws -> [[String: Any]] {
    (try Binary.json(try ok("prize", "standings", "--json")) as! [String: Any])["standings"] as! [[String: Any]]
  }

  func events(_ kind: String) throws -> [[String: Any]] {
    (try Binary.json(try ok("log", "--json")) as! [[String: Any]]).filter { $0["kind"] as? String == kind }
  }

  /// Ada's work 24 from the portal, selected and scored by Bo.
  func scoredWork() throws -> String {
    try ok("init", "--title", "Salon", "--year", "2026", "--slug", "salon-2026")
    let form = scratch.write(
      "form.csv",
      "id,file,title,artists,alt text,rights,authorship\n24,24.zip,Tide,Ada Okafor,A grey sea,yes,yes\n")
    try ok("ingest", scratch.zip("portal/24.zip", Parts.valid("tide")), "--form", form)
    try ok("submissions", "decide", "24", "selected")
    try ok("jury", "add", "Bo Juror")
    try ok("jury", "assign")
    try ok("jury", "score", "bo-juror", "24", "--merit", "8", "--relevance", "7")
    return form
  }

  @Test func ingestingAFolderWithNoZipIsAFailureWithItsCode() throws {
    try ok("init", "--title", "Salon")
    scratch.write("empty/notes.txt", "not a zip")
    let run = try salon("ingest", scratch.path("empty"))
    #expect(run.status == 1, "a script must see that nothing was ingested")
    #expect(run.stderr.contains("No zip files found") && run.stderr.contains("no-zips-found"), "\(run.stderr)")
    let json = try salon("ingest", scratch.path("empty"), "--json")
    #expect(json.status == 1)
    let output = try Binary.json(json) as! [String: Any]
    #expect((output["submissions"] as? [Any])?.isEmpty == true && (output["skipped"] as? [Any])?.count == 1)
  }

  @Test func theOrganiserCorrectsADeclarationWithoutANewVersionAndTheLogSaysSo() throws {
    let form = try scoredWork()
    let run = try ok("submissions", "edit", "24", "--alt-text", "A grey sea at dawn", "--note", "artist's email")
    #expect(run.stdout.contains("altText") && run.stdout.contains("without a new version"), "\(run.stdout)")
    let ada = try show("24")
    #expect((ada["versions"] as! [Any]).count == 1, "no new version")
    #expect(ada["decision"] as? String == "selected", "the decision stands")
    #expect((ada["declarations"] as! [String: Any])["altText"] as? String == "A grey sea at dawn")
    #expect(try standings().first { $0["id"] as? String == "24" }?["flags"] as? [String] == [], "the scores stand")
    let logged = try #require(try events("declarations").last)
    let detail = logged["detail"] as? String ?? ""
    #expect(detail.contains("\"source\":\"organiser\"") && detail.contains("\"changed\":[\"altText\"]"), "\(detail)")
    #expect(detail.contains("artist's email"))
    #expect(!(logged["actor"] as? String ?? "").isEmpty)

    // Nothing to change says so; a wrong answer is a usage error with the one usage line.
    #expect(try ok("submissions", "edit", "24", "--alt-text", "A grey sea at dawn").stdout.contains("Nothing changed"))
    let bad = try salon("submissions", "edit", "24", "--rights-granted", "maybe")
    #expect(bad.status == 64 && bad.stderr.contains("yes, no or unknown"), "\(bad.stderr)")
    #expect(try salon("submissions", "edit", "24").status == 64, "no field to correct")
    #expect(try salon("submissions", "edit", "nope", "--title", "X").status == 1)
    #expect(try salon("submissions", "list", "--title", "X").status == 64, "only edit takes the fields")

    // The portal's same zip and same export again changes nothing, and keeps the organiser's answer.
    let again = try Binary.json(try ok("ingest", scratch.path("portal/24.zip"), "--form", form, "--json"))
    let report = ((again as! [String: Any])["submissions"] as! [[String: Any]])[0]
    #expect(report["change"] as? String == "unchanged", "\(report)")
    #expect(try declarations("24")["altText"] as? String == "A grey sea at dawn")

    // The portal's export corrected (a new title), the same zip: a declaration change, not version 2.
    let corrected = scratch.write(
      "corrected.csv",
      "id,file,title,artists,alt text,rights,authorship\n24,24.zip,Tide II,Ada Okafor,A grey sea,yes,yes\n")
    let fixed = try Binary.json(try ok("ingest", scratch.path("portal/24.zip"), "--form", corrected, "--json"))
    let fixedReport = ((fixed as! [String: Any])["submissions"] as! [[String: Any]])[0]
    #expect(fixedReport["change"] as? String == "declarations-corrected" && fixedReport["version"] as? Int == 1)
    let now = try declarations("24")
    #expect(now["title"] as? String == "Tide II" && now["altText"] as? String == "A grey sea at dawn")
    #expect(
      try events("declarations").last?["detail"] as? String ?? ""
        == "{\"changed\":[\"title\"],\"source\":\"form\",\"version\":1}")

    // The summary counts it, so a folder ingested again says what changed.
    let title = scratch.write(
      "title.csv",
      "id,file,title,artists,alt text,rights,authorship\n24,24.zip,Tide III,Ada Okafor,A grey sea,yes,yes\n")
    #expect(
      try ok("ingest", scratch.path("portal"), "--form", title).stdout.contains(
        "1 already in the archive had its declarations corrected, without a new version"))
  }

  @Test func withdrawingRightsOrAuthorshipChangesWhatTheNextExportPublishes() throws {
    _ = try scoredWork()
    try ok("export", "-o", scratch.path("site"))
    let page = scratch.path("site/salon-2026/works/24.html")
    #expect(FileManager.default.fileExists(atPath: page))
    let withdrawn = try ok("submissions", "edit", "24", "--rights-granted", "no")
    #expect(withdrawn.stdout.contains("leaves it out"), "\(withdrawn.stdout)")
    try ok("export", "-o", scratch.path("site"))
    #expect(!FileManager.default.fileExists(atPath: page), "the work leaves the gallery at the next export")
    try ok("submissions", "edit", "24", "--rights-granted", "yes", "--authorship-affirmed", "no")
    try ok("export", "-o", scratch.path("site"))
    #expect(!FileManager.default.fileExists(atPath: page))
    try ok("submissions", "edit", "24", "--authorship-affirmed", "yes", "--ai-use", "assisted")
    try ok("export", "-o", scratch.path("site"))
    #expect(FileManager.default.fileExists(atPath: page))
    #expect(try declarations("24")["aiUse"] as? String == "assisted")
    // A corrected medium moves the work to the category it names.
    #expect(try ok("submissions", "edit", "24", "--medium", "Poem").stdout.contains("Category: writing"))
    #expect(try show("24")["category"] as? String == "writing")
    let json = try Binary.json(try ok("submissions", "edit", "24", "--rights-granted", "unknown", "--json"))
    let edited = try #require(json as? [String: Any])
    #expect(edited["changed"] as? [String] == ["rightsGranted"] && edited["publishable"] as? Bool == false)
    #expect(edited["version"] as? Int == 1 && edited["id"] as? String == "24")
    #expect((try show("24")["versions"] as! [Any]).count == 1)
  }

  @Test func theAwardsAdviceWorksAndStandingsMarkWhatCannotWin() throws {
    try ok("init", "--title", "Salon", "--prize", "200")
    for n in 1...3 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.zip("in/4.zip", [("w4_main.png", Parts.image)])  // no description: rejected
    scratch.write(
      "form.csv",
      "id,title,artists,rights,authorship\n1,One,Ann,yes,yes\n2,Two,Bo,no,yes\n3,Three,Cy,yes,yes\n4,Four,Di,yes,yes\n")
    try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    try ok("submissions", "decide", "1", "2", "selected")
    try ok("jury", "add", "Eve")
    try ok("jury", "assign")
    for n in 1...3 { try ok("jury", "score", "eve", "\(n)", "--merit", "\(9 - n)", "--relevance", "7") }

    let award = try salon("prize", "award", "4")
    #expect(award.status == 1)
    #expect(!award.stderr.contains("decide 4 selected"), "advice the decision itself refuses: \(award.stderr)")
    #expect(award.stderr.contains("salon ingest ZIP --id 4"), "\(award.stderr)")
    let decide = try salon("submissions", "decide", "4", "selected")
    #expect(decide.status != 0, "a rejected work cannot be selected, so the advice must not say to")

    let rows = try standings()
    func marks(_ id: String) -> [String]? { rows.first { $0["id"] as? String == id }?["cannotWin"] as? [String] }
    #expect(marks("1") == [])
    #expect(marks("2") == ["rights-not-granted"])
    #expect(marks("3") == ["undecided"])
    let text = try ok("prize", "standings").stdout
    let three = try #require(text.split(separator: "\n").first { $0.contains("Three") })
    #expect(three.contains("cannot win yet: undecided"), "\(text)")
    #expect(text.contains("CANNOT WIN YET"))
    let one = try #require(text.split(separator: "\n").first { $0.contains("One") })
    #expect(!one.contains("cannot win"))
  }

  @Test func aUsageErrorIsItsSentenceTheUsageLineAndWhereToLookWithDidYouMean() throws {
    try ok("init", "--title", "Salon")
    let typo = try salon("jury", "scroe", "eve", "1")
    #expect(typo.status == 64)
    let lines = typo.stderr.split(separator: "\n")
    #expect(lines.count == 3, "\(typo.stderr)")
    #expect(lines.first?.contains("Unknown jury action \"scroe\". Did you mean `score`?") == true, "\(typo.stderr)")
    #expect(lines.dropFirst().first?.hasPrefix("Usage: salon jury score JUROR") == true, "\(typo.stderr)")
    #expect(lines.last == "See `salon jury --help`.")

    let decision = try salon("submissions", "decide", "1", "selcted")
    #expect(decision.status == 64)
    #expect(decision.stderr.contains("Did you mean `selected`?"), "\(decision.stderr)")
    #expect(decision.stderr.contains("Usage: salon submissions decide ID"), "\(decision.stderr)")
    #expect(decision.stderr.split(separator: "\n").count == 3)

    let option = try salon("ingest", "x.zip", "--frobnicate")
    #expect(option.status == 64 && option.stderr.split(separator: "\n").count == 3, "\(option.stderr)")
    #expect(option.stderr.contains("Usage: salon ingest PATH... [--form FORM.csv]"))
    // A line led by an option that was typed is the one shown.
    let plan = try salon("export", "--plan")
    #expect(plan.status == 64 && plan.stderr.contains("Usage: salon export --plan FILE"), "\(plan.stderr)")
    #expect(try salon("prize", "standigs").stderr.contains("Did you mean `standings`?"))
    // Far from every action: no guess.
    #expect(!(try salon("jury", "xyzzy").stderr.contains("Did you mean")))
    let command = try salon("injest")
    #expect(command.status == 64 && command.stderr.contains("Did you mean `ingest`?"))
    #expect(command.stderr.split(separator: "\n").count == 2, "\(command.stderr)")
  }

  /// Five works scored by Eve, for the sheet tests.
  func fiveWorksForEve() throws {
    try ok("init", "--title", "Salon")
    for n in 1...5 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.write(
      "form.csv",
      "id,title,artists,rights,authorship,ai use,ai statement\n"
        + (1...5).map {
          "\($0),Work \($0),Artist \($0),yes,yes,\($0 == 1 ? "none" : "generated"),\($0 == 2 ? "Diffusion" : "")"
        }
        .joined(separator: "\n") + "\n")
    try ok("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    try ok("submissions", "decide", "--all-accepted")
    try ok("jury", "add", "Eve")
    try ok("jury", "assign")
  }

  @Test func aBadSheetListsItsProblemsInLineOrder() throws {
    try fiveWorksForEve()
    try ok("jury", "sheet", "eve", "-o", scratch.path("eve.csv"))
    let text = try String(contentsOfFile: scratch.path("eve.csv"), encoding: .utf8)
    // Salon's sheet has no quoted field here: split on its CRLF lines and commas.
    var rows = text.components(separatedBy: "\r\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = rows[0]
    let merit = try #require(header.firstIndex { $0.hasPrefix("merit") })
    let relevance = try #require(header.firstIndex { $0.hasPrefix("relevance") })
    // Line 5 is out of the scale (found when the scores are checked), line 6 is not a number
    // (found as the sheet is read): line 5 still comes first.
    rows[4][merit] = "99"
    rows[4][relevance] = "5"
    rows[5][merit] = "abc"
    rows[5][relevance] = "5"
    rows[1][merit] = "12"
    rows[1][relevance] = "5"
    scratch.write("bad.csv", rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n"))
    let run = try salon("jury", "import", scratch.path("bad.csv"))
    #expect(run.status != 0)
    let places = ["line 2", "line 5", "line 6"].map { run.stderr.range(of: "bad.csv \($0)")?.lowerBound }
    #expect(places.allSatisfy { $0 != nil }, "\(run.stderr)")
    let found = places.compactMap { $0 }
    #expect(found == found.sorted(), "problems in line order: \(run.stderr)")
  }

  @Test func theLightSheetSaysAIUseInASentence() throws {
    try fiveWorksForEve()
    try ok("jury", "sheet", "eve", "--format", "html", "-o", scratch.path("eve.html"))
    let page = try String(contentsOfFile: scratch.path("eve.html"), encoding: .utf8)
    #expect(!page.contains("\"AI use (\""), "no bare \"AI use (none):\"")
    #expect(page.contains("Made without AI") && page.contains("AI-generated"))
    // As the juror reads it, in Chromium.
    let visited = try #require((try Chromium.run(["visit", scratch.path("eve.html")]) as? [[String: Any]])?.first)
    let text = visited["text"] as? String ?? ""
    #expect(text.contains("Made without AI.") && text.contains("AI-generated: Diffusion"), "\(text)")
    #expect(text.contains("AI-generated.") && !text.contains("AI use ("), "\(text)")
  }

  @Test func theRoomsZipIsDatedWhenTheRoomIsMade() throws {
    try fiveWorksForEve()
    let before = Date()
    try ok("jury", "room", "eve", "-o", scratch.path("room-eve"), "--zip")
    let listing = try Tool.run([
      "python3", "-c",
      "import sys,zipfile,datetime\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(datetime.datetime(*i.date_time).timestamp())",
      scratch.path("room-eve.zip"),
    ])
    #expect(listing.status == 0, "\(listing.output)")
    let times = listing.output.split(separator: "\n").compactMap { Double($0) }
    #expect(!times.isEmpty)
    // DOS times are local and to two seconds: within a day of now, never 2023.
    for time in times { #expect(abs(time - before.timeIntervalSince1970) < 86_400, "\(listing.output)") }
  }
}
