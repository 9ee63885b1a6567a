import Foundation
import SampleContent
import Testing

/// Which submission a zip belongs to (README: "How Salon decides which submission a zip belongs
/// to"), run with the built `salon` as an organiser and a hostile artist would: a name never
/// makes a zip someone else's new version; the form's file column or `--id` does.
@Suite struct IdentityTests {
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

  /// `salon ingest PATH --json` with the extra arguments; the reports.
  func ingest(_ path: String, _ extra: String...) throws -> [[String: Any]] {
    let run = try Binary.run(["ingest", path, "--json", "--archive", archive] + extra)
    #expect(run.status == 0, "\(run.stderr)")
    return (try Binary.json(run) as! [String: Any])["submissions"] as! [[String: Any]]
  }

  func codes(_ report: [String: Any]) -> [String] {
    (report["warnings"] as! [[String: Any]]).map { $0["code"] as! String }
  }

  func versions(_ id: String) throws -> [String] {
    (try show(id)["versions"] as! [[String: Any]]).map { $0["zip"] as! String }
  }

  func events(_ kind: String) throws -> [[String: Any]] {
    (try Binary.json(try ok("log", "--json")) as! [[String: Any]]).filter { $0["kind"] as? String == kind }
  }

  func standing(_ id: String) throws -> [String: Any] {
    let table = try Binary.json(try ok("prize", "standings", "--json")) as! [String: Any]
    return (table["standings"] as! [[String: Any]]).first { $0["id"] as? String == id } ?? [:]
  }

  /// Ada's work 24 from the portal (its form row names 24.zip), selected.
  func adasWork() throws -> String {
    try ok("init", "--title", "Salon", "--year", "2026", "--slug", "salon-2026")
    let form = scratch.write(
      "form.csv",
      "id,file,title,artists,alt text,rights,authorship\n24,24.zip,Tide,Ada Okafor,A grey sea,yes,yes\n")
    let first = try ingest(scratch.zip("portal/24.zip", Parts.valid("tide")), "--form", form)[0]
    #expect(first["id"] as? String == "24" && first["change"] as? String == "new")
    try ok("submissions", "decide", "24", "selected")
    return form
  }

  /// A picture nobody else sent, so whose work is published can be told by its bytes.
  static let strangersPicture = SampleMedia.png(width: 40, height: 30, seed: 9)
  static let strangersZip = [("fake_main.png", strangersPicture), ("fake_description.pdf", Parts.description)]

  @Test func aStrangersSameNamedZipWithoutAFormRowIsItsOwnSubmission() throws {
    _ = try adasWork()
    let adas = try show("24")["files"] as! [[String: Any]]
    let report = try ingest(scratch.zip("email/24.zip", Self.strangersZip))[0]
    #expect(report["id"] as? String == "24-conflict-1")
    #expect(report["change"] as? String == "new", "never a version 2 of Ada's work")
    #expect(codes(report).contains("id-conflict"))
    #expect(!codes(report).contains("declarations-kept"), "Ada's declarations are not the stranger's")
    let message = (report["warnings"] as! [[String: Any]]).first { $0["code"] as? String == "id-conflict" }?["message"]
    #expect(
      message as? String
        == "Submission 24 already holds another zip (24.zip, by Ada Okafor), so this one is kept apart as 24-conflict-1; if it is in fact a new version of 24, run `salon submissions merge 24-conflict-1 --into 24`."
    )

    let ada = try show("24")
    #expect(ada["decision"] as? String == "selected")
    #expect(try versions("24") == ["24.zip"])
    #expect((ada["files"] as! [[String: Any]]).map { $0["sha256"] as! String } == adas.map { $0["sha256"] as! String })
    let stranger = try show("24-conflict-1")
    #expect(stranger["decision"] == nil, "not selected")
    #expect(stranger["hasDeclarations"] as? Bool == false)

    // Published: Ada's work under her name, and nothing of the stranger's.
    try ok("export", "-o", scratch.path("site"))
    let page = try String(contentsOfFile: scratch.path("site/salon-2026/works/24.html"), encoding: .utf8)
    #expect(page.contains("Tide") && page.contains("Ada Okafor"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("site/salon-2026/works/24-conflict-1.html")))
    let strangerSHA = SHA.of(bytes: Self.strangersPicture)
    #expect(!(ada["files"] as! [[String: Any]]).contains { $0["sha256"] as? String == strangerSHA })

    // The same zip again changes nothing; a second stranger's gets the next id.
    #expect(try ingest(scratch.path("email/24.zip"))[0]["id"] as? String == "24-conflict-1")
    let second = try ingest(scratch.zip("other/24.zip", Parts.valid("another")))[0]
    #expect(second["id"] as? String == "24-conflict-2")
    #expect(try versions("24-conflict-1") == ["24.zip"], "a name never makes a version of a kept-apart zip either")
  }

  @Test func aStrangersSameNamedZipWithAFormRowOfAnotherIdIsFlagged() throws {
    let adasForm = try adasWork()
    // The stranger's own portal row names a file called 24.zip: the form's file column decides.
    let form = scratch.write("stranger.csv", "id,file,title,artists,rights,authorship\n31,24.zip,Fake,Mal,yes,yes\n")
    let report = try ingest(scratch.zip("mal/24.zip", Self.strangersZip), "--form", form)[0]
    #expect(report["id"] as? String == "31")
    #expect(codes(report).contains("form-row-disagrees"))
    #expect(try versions("24") == ["24.zip"])
    #expect(try show("24")["decision"] as? String == "selected")

    // Two rows of one form name the same file: neither is trusted, and Ada's work stays hers.
    scratch.write("both.csv", try String(contentsOfFile: adasForm, encoding: .utf8) + "31,24.zip,Fake,Mal,yes,yes\n")
    let both = try ingest(scratch.zip("mal2/24.zip", Parts.valid("again")), "--form", scratch.path("both.csv"))[0]
    #expect(both["id"] as? String == "24-conflict-1")
    #expect(codes(both).contains("id-conflict"))
    #expect(try versions("24") == ["24.zip"])

    // A row the zip's name points at but whose file column names another file is not this zip's.
    scratch.write("named.csv", "id,file,title,artists,rights,authorship\n24,ada-tide.zip,Tide,Ada Okafor,yes,yes\n")
    let named = try ingest(scratch.zip("mal3/24.zip", Parts.valid("third")), "--form", scratch.path("named.csv"))[0]
    #expect(named["id"] as? String == "24-conflict-2")
    #expect(codes(named).contains("form-row-disagrees") && codes(named).contains("no-declarations"))
    #expect(try show("24-conflict-2")["hasDeclarations"] as? Bool == false)
  }

  @Test func aResendByThePortalsIdIsANewVersionThatWaitsForADecision() throws {
    let form = try adasWork()
    try ok("jury", "add", "Bo Juror")
    try ok("jury", "assign")
    try ok("jury", "score", "bo-juror", "24", "--merit", "8", "--relevance", "7")
    #expect(try standing("24")["flags"] as? [String] == [])

    // The portal's row names 24.zip: Ada's corrected upload is version 2.
    let report = try ingest(scratch.zip("resend/24.zip", Parts.valid("tide2")), "--form", form)[0]
    #expect(report["id"] as? String == "24")
    #expect(report["change"] as? String == "new-version" && report["version"] as? Int == 2)
    #expect(codes(report).contains("decision-cleared"))
    let ada = try show("24")
    #expect(ada["decision"] == nil, "a new version never inherits selected")
    #expect((try standing("24")["flags"] as? [String] ?? []).contains("new-version"), "its scores are flagged")
    try ok("export", "-o", scratch.path("site"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("site/salon-2026/works/24.html")))
    try ok("submissions", "decide", "24", "selected")
    try ok("export", "-o", scratch.path("site"))
    #expect(FileManager.default.fileExists(atPath: scratch.path("site/salon-2026/works/24.html")))

    // A portal that renames the upload says so in its file column.
    let renamed = scratch.write(
      "renamed.csv",
      "id,file,title,artists,alt text,rights,authorship\n24,24-final.zip,Tide,Ada Okafor,A grey sea,yes,yes\n")
    let third = try ingest(scratch.zip("final/24-final.zip", Parts.valid("tide3")), "--form", renamed)[0]
    #expect(third["id"] as? String == "24" && third["version"] as? Int == 3)
    #expect(try versions("24") == ["24.zip", "24.zip", "24-final.zip"])
  }

  @Test func idMakesANewVersionAndMergeRecordsOne() throws {
    _ = try adasWork()
    let run = try ok("ingest", scratch.zip("mail/tide-fixed.zip", Parts.valid("fixed")), "--id", "24")
    #expect(run.stdout.contains("24 [tide-fixed.zip]: accepted (new version 2)"), "\(run.stdout)")
    #expect(run.stdout.contains("declarations-kept") && run.stdout.contains("decision-cleared"))
    #expect(try show("24")["decision"] == nil)

    // A zip kept apart, then merged by the organiser: recorded, and waiting for a decision.
    try ok("submissions", "decide", "24", "selected")
    #expect(try ingest(scratch.zip("mail/24.zip", Parts.valid("v3")))[0]["id"] as? String == "24-conflict-1")
    #expect(try salon("submissions", "merge", "24-conflict-1").status == 64)
    #expect(try salon("submissions", "merge", "nope", "--into", "24").status == 1)
    let merged = try ok("submissions", "merge", "24-conflict-1", "--into", "24")
    #expect(merged.stdout.contains("24-conflict-1 is now version 3 of submission 24"), "\(merged.stdout)")
    let ada = try show("24")
    #expect(ada["version"] as? Int == 3 && ada["decision"] == nil)
    #expect(!codes(ada).contains("id-conflict"), "the merge settles what kept it apart")
    #expect(!codes(ada).contains("no-declarations"), "it keeps the work's declarations")
    #expect((ada["declarations"] as! [String: Any])["artists"] as? String == "Ada Okafor")
    #expect(try show("24-conflict-1")["decision"] as? String == "declined")
    let merge = try #require(try events("merge").last)
    #expect(merge["submission"] as? String == "24")
    let detail = merge["detail"] as? String ?? ""
    #expect(detail.contains("\"from\":\"24-conflict-1\"") && detail.contains("\"into\":\"24\""), "\(detail)")

    // Sent again, version 1 changes nothing; with --id it is the newest again, as the organiser says.
    #expect(try ingest(scratch.path("portal/24.zip"))[0]["change"] as? String == "unchanged")
    let back = try ingest(scratch.path("portal/24.zip"), "--id", "24")[0]
    #expect(back["change"] as? String == "new-version" && back["version"] as? Int == 4)
  }

  @Test func aCorrectedDeclarationIsRecordedWithoutANewVersion() throws {
    _ = try adasWork()
    try ok("jury", "add", "Bo Juror")
    try ok("jury", "assign")
    try ok("jury", "score", "bo-juror", "24", "--merit", "8", "--relevance", "7")
    // The portal's export again, with the alt text corrected and no file column this time.
    let corrected = scratch.write(
      "corrected.csv", "id,title,artists,alt text,rights,authorship\n24,Tide,Ada Okafor,A grey sea at dawn,yes,yes\n")
    let report = try ingest(scratch.path("portal/24.zip"), "--form", corrected)[0]
    #expect(report["change"] as? String == "declarations-corrected", "\(report)")
    #expect(report["version"] as? Int == 1)
    #expect(codes(report).contains("declarations-corrected"))
    let ada = try show("24")
    #expect(try versions("24") == ["24.zip"])
    #expect((ada["declarations"] as! [String: Any])["altText"] as? String == "A grey sea at dawn")
    #expect(ada["decision"] as? String == "selected", "the decision stands")
    #expect(try standing("24")["flags"] as? [String] == [], "the scores stand")
    let logged = try #require(try events("declarations").last)
    #expect((logged["detail"] as? String ?? "").contains("\"changed\":[\"altText\"]"))
    #expect(try ingest(scratch.path("portal/24.zip"), "--form", corrected)[0]["change"] as? String == "unchanged")

    // Rights withdrawn by the form take the work out of the next export.
    scratch.write(
      "revoked.csv", "id,title,artists,alt text,rights,authorship\n24,Tide,Ada Okafor,A grey sea at dawn,no,yes\n")
    #expect(
      try ingest(scratch.path("portal/24.zip"), "--form", scratch.path("revoked.csv"))[0]["change"] as? String
        == "declarations-corrected")
    try ok("export", "-o", scratch.path("site"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("site/salon-2026/works/24.html")))
  }

  @Test func aFlaggedSubmissionsIdWorksInListsDecisionsAndTheGallery() throws {
    _ = try adasWork()
    // The form names 24.zip again, but by another artist: kept apart with her declarations.
    let form = scratch.write("mal.csv", "id,file,title,artists,rights,authorship\n24,24.zip,Fake,Mal Icious,yes,yes\n")
    let report = try ingest(scratch.zip("mal/24.zip", Self.strangersZip), "--form", form)[0]
    #expect(report["id"] as? String == "24-conflict-1")
    #expect(codes(report).contains("artists-differ") && codes(report).contains("id-conflict"))
    #expect(try show("24")["decision"] as? String == "selected")

    let list = try Binary.json(try ok("submissions", "list", "--json")) as! [[String: Any]]
    #expect(list.map { $0["id"] as! String } == ["24", "24-conflict-1"])
    let decisions = scratch.write("decisions.csv", "id,decision\n24-conflict-1,selected\n")
    try ok("submissions", "decide", "--csv", decisions)
    #expect(try show("24-conflict-1")["decision"] as? String == "selected")
    try ok("export", "-o", scratch.path("site"))
    let page = try String(
      contentsOfFile: scratch.path("site/salon-2026/works/24-conflict-1.html"), encoding: .utf8)
    #expect(page.contains("Fake") && page.contains("Mal Icious"))
    let ada = try String(contentsOfFile: scratch.path("site/salon-2026/works/24.html"), encoding: .utf8)
    #expect(ada.contains("Tide") && !ada.contains("Mal Icious"))
  }

  @Test func aFileColumnOfUploadNamesCanBeSetAside() throws {
    try ok("init", "--title", "Salon", "--year", "2026")
    let form = scratch.write("cmt.csv", "id,file,title,artists\n24,my artwork.zip,Tide,Ada\n")
    let zip = scratch.zip("download/24.zip", Parts.valid("a"))
    let strict = try ingest(zip, "--form", form)[0]
    #expect(strict["id"] as? String == "24-conflict-1" && codes(strict).contains("form-row-disagrees"))
    try ok("init", "--title", "Other", "--year", "2027")
    let report = try ingest(zip, "--form", form, "--column", "file=", "--exhibition", "other-2027")[0]
    #expect(report["id"] as? String == "24")
    #expect(!codes(report).contains("form-row-disagrees") && !codes(report).contains("no-declarations"))
  }

  @Test func twoZipsClaimingOneIdInOneBatchAreKeptApart() throws {
    try ok("init", "--title", "Salon", "--year", "2026")
    scratch.zip("in/24.zip", Parts.valid("a"))
    scratch.zip("in/submission_24.zip", Parts.valid("b"))
    let form = scratch.write("form.csv", "id,title,artists\n24,Tide,Ada\n")
    let reports = try ingest(scratch.path("in"), "--form", form)
    #expect(reports.map { $0["id"] as? String } == ["24", "24-conflict-1"])
    #expect(codes(reports[1]).contains("id-conflict"))
  }
}
