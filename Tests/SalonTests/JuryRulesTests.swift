import Foundation
import Testing

/// The jury's rules, checked as an organiser would: the real binary on a generated call whose
/// form lists artists the way portals export them, with affiliations.
@Suite struct JuryRulesTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  @discardableResult
  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func json(_ arguments: String...) throws -> Any {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
  }

  /// Six works; the jurors Mara Ilves, Tonu Kask and Ann Lee, each an artist of one of them in
  /// another spelling. Works 1–6 are selected and publishable, except as `form` says.
  func setUp(form: String? = nil) throws {
    #expect(try salon("init", "--title", "Salon", "--year", "2026", "--slug", "salon-2026").status == 0)
    for n in 1...6 { scratch.zip("in/\(n).zip", Parts.valid("w\(n)")) }
    scratch.write(
      "form.csv",
      form
        ?? """
        id,title,artists,email,rights,authorship
        1,One,Mara Ilves (Estonian Academy of Arts),m.ilves@eka.ee,yes,yes
        2,Two,"Kask, Tõnu",tonu@example.org,yes,yes
        3,Three,"ANN  LEE, University of Tartu",ann@ut.ee,yes,yes
        4,Four,Piret Ilves,piret@example.org,yes,yes
        5,Five,Someone Else,mara@eka.ee,yes,yes
        6,Six,Zed Zee,zed@example.org,yes,yes

        """)
    #expect(try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv")).status == 0)
    for n in 1...6 { #expect(try salon("submissions", "decide", "\(n)", "selected").status == 0) }
    #expect(try salon("jury", "add", "Mara Ilves", "--email", "MARA@eka.ee").status == 0)
    #expect(try salon("jury", "add", "tonu KASK").status == 0)
    #expect(try salon("jury", "add", "Ann Lee").status == 0)
    #expect(try salon("jury", "assign").status == 0)
  }

  func score(_ juror: String, _ work: String, _ value: Int) throws -> SalonRun {
    try salon("jury", "score", juror, work, "--merit", "\(value)", "--relevance", "\(value)")
  }

  func standing(_ id: String, by: String = "normalized") throws -> [String: Any] {
    let table = try json("prize", "standings", "--json", "--by", by) as! [String: Any]
    return (table["standings"] as! [[String: Any]]).first { $0["id"] as? String == id } ?? [:]
  }

  func events(_ kind: String) throws -> [[String: Any]] {
    (try json("log", "--json") as! [[String: Any]]).filter { $0["kind"] as? String == kind }
  }

  @Test func conflictsFindTheArtistAcrossAffiliationsOrderCaseDiacriticsAndEmail() throws {
    try setUp()
    let conflicts = try json("jury", "conflicts", "--json") as! [[String: Any]]
    func kind(_ juror: String, _ work: String) -> String? {
      conflicts.first { $0["juror"] as? String == juror && $0["submission"] as? String == work }?["kind"] as? String
    }
    #expect(kind("mara-ilves", "1") == "automatic", "affiliation in parentheses")
    #expect(kind("mara-ilves", "5") == "automatic", "the same email, whatever its case")
    #expect(kind("tonu-kask", "2") == "automatic", "\"Last, First\", case and diacritics")
    #expect(kind("ann-lee", "3") == "automatic", "affiliation after a comma, spacing, case")
    #expect(kind("mara-ilves", "4") == "check", "same surname, another first name: a near miss to check")
    #expect(conflicts.filter { $0["submission"] as? String == "6" }.isEmpty)
    let text = try salon("jury", "conflicts").stdout
    #expect(text.contains("mara-ilves – work 1: automatic: the juror's name matches an artist of the work"))
    #expect(text.contains("mara-ilves – work 4: check:"))

    // The artist-juror cannot score their own work, and is not given it; a near miss blocks nothing.
    let refused = try score("mara-ilves", "1", 10)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("conflict of interest with work 1"))
    let jurors = try json("jury", "list", "--json") as! [[String: Any]]
    #expect(jurors.first { $0["id"] as? String == "mara-ilves" }?["assigned"] as? Int == 4, "works 2, 3, 4 and 6")
    #expect(try score("mara-ilves", "4", 7).status == 0)
  }

  @Test func aLateConflictWithdrawsTheScoresFromTheStandingsAndTheHistoryKeepsThem() throws {
    try setUp()
    #expect(try score("ann-lee", "6", 9).status == 0)
    #expect(try score("tonu-kask", "6", 5).status == 0)
    #expect(try standing("6")["raw"] as? Double == 7)
    let declared = try salon("jury", "conflict", "ann-lee", "6", "--reason", "former student")
    #expect(declared.status == 0)
    #expect(
      declared.stdout.contains("(merit 9, relevance 9) no longer count in the standings; the history keeps them."))
    let six = try standing("6")
    #expect(six["raw"] as? Double == 5, "only Tonu's score counts now")
    #expect(six["scores"] as? Int == 1)
    let table = try json("prize", "standings", "--json") as! [String: Any]
    let withdrawn = table["withdrawn"] as! [[String: Any]]
    #expect(withdrawn.contains { $0["juror"] as? String == "ann-lee" && $0["reason"] as? String == "conflict" })
    let history = try salon("prize", "export-scores", "--format", "json").stdout
    #expect(history.contains("ann-lee"), "the history keeps the withdrawn score")
    let logged = try events("conflict").last?["detail"] as? String ?? ""
    #expect(logged.contains("withdrawnScores") && logged.contains("former student"))
  }

  @Test func aRemovedJurorsScoresLeaveTheStandingsWithANote() throws {
    try setUp()
    #expect(try score("ann-lee", "6", 9).status == 0)
    #expect(try score("tonu-kask", "6", 5).status == 0)
    let removed = try salon("jury", "remove", "ann-lee", "--reason", "withdrew")
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(removed.stdout.contains("Note: their scores for 1 work (6) leave the standings; the history keeps them."))
    #expect(try standing("6")["raw"] as? Double == 5)
    #expect(try salon("prize", "standings").stdout.contains("Not counted (juror removed): every score by ann-lee."))
    let list = try json("jury", "list", "--json") as! [[String: Any]]
    #expect(!list.contains { $0["id"] as? String == "ann-lee" })
    #expect(try salon("jury", "score", "ann-lee", "2", "--merit", "5", "--relevance", "5").status == 1)
    #expect((try events("juror-removed").first?["detail"] as? String ?? "").contains("withdrew"))
    #expect(try salon("prize", "export-scores").stdout.contains("ann-lee"), "the history keeps their scores")
  }

  @Test func aStaleSheetIsRefusedWholeAndTheNewerScoreKept() throws {
    try setUp()
    let sheet = try salon("jury", "sheet", "tonu-kask").stdout
    // Tonu corrects work 3 at the organiser's machine after the sheet was sent.
    #expect(try score("tonu-kask", "3", 8).status == 0)
    // The old sheet comes back with 4s for works 1 and 3 (merit and relevance are columns 5 and 6).
    let filled = fill(sheet, ["1": 4, "3": 4])
    let path = scratch.write("tonu.csv", filled)
    let refused = try salon("jury", "import", path)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("tonu.csv was issued before the scores of work 3 last changed"))
    #expect(refused.stderr.contains("--overwrite-newer"))
    #expect(try standing("3")["raw"] as? Double == 8, "the newer score is kept")
    #expect(try standing("1")["scores"] as? Int == 0, "nothing of the sheet was applied")

    let forced = try salon("jury", "import", path, "--overwrite-newer")
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(forced.stdout.contains("Replaced newer scores of works 3"))
    #expect(try standing("3")["raw"] as? Double == 4)
    #expect((try events("sheet-import").last?["detail"] as? String ?? "").contains("overwroteNewer"))

    // A fresh sheet imported twice changes nothing the second time.
    let fresh = scratch.write("fresh.csv", fill(try salon("jury", "sheet", "tonu-kask").stdout, ["4": 6]))
    #expect(try salon("jury", "import", fresh).stdout.contains("2 values changed"))
    let again = try salon("jury", "import", fresh)
    #expect(again.status == 0)
    #expect(again.stdout.contains("0 values changed"))

    // The signed revision cannot be edited to slip past newer scores.
    let edited = filled.replacingOccurrences(of: ",0-", with: ",9-")
    let tampered = try salon("jury", "import", scratch.write("edited.csv", edited))
    #expect(tampered.status == 1)
    #expect(tampered.stderr.contains("was edited; it must stay as issued"))
  }

  func fill(_ sheet: String, _ values: [String: Int]) -> String {
    var lines = sheet.components(separatedBy: "\r\n")
    for index in lines.indices.dropFirst() where !lines[index].isEmpty {
      var cells = lines[index].components(separatedBy: ",")
      if cells.count > 6, let value = values[cells[2]] {
        cells[5] = "\(value)"
        cells[6] = "\(value)"
      }
      lines[index] = cells.joined(separator: ",")
    }
    return lines.joined(separator: "\r\n")
  }

  @Test func aDeclinedOrUnpublishableWorkCannotWinWithoutForceAndANote() throws {
    try setUp(
      form: """
        id,title,artists,rights,authorship
        1,One,Ann,yes,yes
        2,Two,Bo,no,yes
        3,Three,Cy,yes,
        4,Four,Di,yes,yes
        5,Five,Ed,yes,yes
        6,Six,Fa,yes,yes

        """)
    #expect(try salon("submissions", "decide", "4", "declined").status == 0)
    for juror in ["mara-ilves", "tonu-kask", "ann-lee"] {
      for work in ["1", "2", "3", "5", "6"] { #expect(try score(juror, work, 7).status == 0) }
    }
    let declined = try salon("prize", "award", "4")
    #expect(declined.status == 1)
    #expect(declined.stderr.contains("Work 4 was declined for the programme, so it cannot win."))
    #expect(declined.stderr.contains("Work 4 has no scores from the jury."))
    let noRights = try salon("prize", "award", "2")
    #expect(noRights.status == 1)
    #expect(noRights.stderr.contains("Work 2 cannot be published: the artist did not grant the rights to publish it."))
    let unknown = try salon("prize", "mention", "3")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("Work 3 cannot be published: the artist's affirmation of authorship is unknown."))
    #expect(try salon("prize", "award", "2", "--force").stderr.contains("--force needs --note"))
    #expect(try salon("prize", "mention", "1").status == 0, "a winnable work can be mentioned")

    let forced = try salon("prize", "award", "2", "--force", "--note", "The jury insists; rights are being cleared")
    #expect(forced.status == 0, "\(forced.stderr)")
    let award = try events("award").last?["detail"] as? String ?? ""
    #expect(award.contains("\"forced\":true") && award.contains("did not grant the rights"))
    // The prize page names the forced winner but links only to pages the gallery has.
    #expect(try salon("export", "-o", scratch.path("site")).status == 0)
    let prize = try String(contentsOfFile: scratch.path("site/salon-2026/prize.html"), encoding: .utf8)
    #expect(prize.contains("Two"))
    #expect(!prize.contains("works/2.html"))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("site/salon-2026/works/2.html")))
    #expect(prize.contains("works/1.html"), "the mention links to its page")
  }

  @Test func aVersionArrivingAfterScoringIsFlaggedAndAwardingNeedsItAcknowledged() throws {
    try setUp()
    for juror in ["mara-ilves", "tonu-kask", "ann-lee"] {
      for work in ["2", "3", "4", "6"]
      where !(juror == "tonu-kask" && work == "2") && !(juror == "ann-lee" && work == "3") {
        #expect(try score(juror, work, work == "6" ? 9 : 5).status == 0)
      }
    }
    for (juror, work) in [("tonu-kask", "1"), ("ann-lee", "1"), ("tonu-kask", "5"), ("ann-lee", "5")] {
      #expect(try score(juror, work, 5).status == 0)
    }
    #expect(try standing("6")["flags"] as? [String] == [])
    // Work 6 arrives again, changed.
    scratch.zip("again/6.zip", Parts.valid("w6") + [("w6_supplementary_1.png", Parts.image)])
    #expect(try salon("ingest", scratch.path("again/6.zip"), "--id", "6").status == 0)
    // A new version waits for the organiser's decision; selected again, its scores are flagged.
    #expect(try salon("submissions", "decide", "6", "selected").status == 0)
    let six = try standing("6")
    #expect((six["flags"] as? [String] ?? []).contains("new-version"))
    #expect(six["version"] as? Int == 2 && six["scoredVersion"] as? Int == 1)
    #expect(
      try salon("prize", "standings").stdout.contains("Work 6 was scored on version 1, but version 2 has arrived"))
    let refused = try salon("prize", "award", "6")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("--accept-new-versions"))
    // Re-scoring by every juror, even with the same values, clears the flag.
    for juror in ["mara-ilves", "tonu-kask", "ann-lee"] { #expect(try score(juror, "6", 9).status == 0) }
    #expect(!((try standing("6")["flags"] as? [String] ?? []).contains("new-version")))
    // Another version; this time the organiser acknowledges it.
    scratch.zip("third/6.zip", Parts.valid("w6") + [("w6_supplementary_2.png", Parts.image)])
    #expect(try salon("ingest", scratch.path("third/6.zip"), "--id", "6").status == 0)
    #expect(try salon("submissions", "decide", "6", "selected").status == 0)
    let accepted = try salon("prize", "award", "6", "--accept-new-versions")
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect((try events("award").last?["detail"] as? String ?? "").contains("acceptedNewVersions"))
  }

  @Test func aSheetImportedIntoTheWrongEditionNamesTheRightOne() throws {
    try setUp()
    let sheet = scratch.write("ann.csv", try salon("jury", "sheet", "ann-lee").stdout)
    #expect(try salon("init", "--title", "Salon", "--year", "2027", "--slug", "salon-2027").status == 0)
    let wrong = try salon("jury", "import", sheet)
    #expect(wrong.status == 1)
    #expect(
      wrong.stderr.contains(
        "ann.csv is a sheet for the exhibition salon-2026 (\"Salon\"); import it with --exhibition salon-2026, not for salon-2027."
      ))
    #expect(!wrong.stderr.contains("unknown juror"))
    #expect(try salon("jury", "import", sheet, "--exhibition", "salon-2026").status == 0)
  }

  @Test func progressAndStandingsShowEachJurorsMeanSpreadAndCount() throws {
    try setUp()
    for (work, value) in [("2", 9), ("3", 7), ("4", 5)] { #expect(try score("mara-ilves", work, value).status == 0) }
    #expect(try score("tonu-kask", "1", 3).status == 0)
    let progress = try json("jury", "progress", "--json") as! [String: Any]
    let mara = (progress["jurors"] as! [[String: Any]]).first { $0["id"] as? String == "mara-ilves" }!
    #expect(mara["mean"] as? Double == 7)
    #expect(abs((mara["spread"] as? Double ?? 0) - 1.632993) < 0.000_001)
    #expect(mara["count"] as? Int == 3)
    #expect(try salon("jury", "progress").stdout.contains("mara-ilves: 3 of 4 scored; mean 7.00, spread 1.63 over 3"))
    let standings = try json("prize", "standings", "--json") as! [String: Any]
    let jurors = standings["jurors"] as! [[String: Any]]
    #expect(jurors.map { $0["juror"] as? String } == ["mara-ilves", "tonu-kask"])
    #expect(jurors.last?["mean"] as? Double == 3 && jurors.last?["count"] as? Int == 1)
  }

  @Test func standingsRankByTheSchulzeMethodOnTheShortlist() throws {
    try setUp()
    for (work, value) in [("2", 9), ("3", 7), ("4", 5), ("6", 3)] {
      #expect(try score("mara-ilves", work, value).status == 0)
    }
    let table = try json("prize", "standings", "--json", "--by", "schulze", "--shortlist", "2") as! [String: Any]
    #expect(table["by"] as? String == "schulze")
    #expect(table["shortlistLimit"] as? Int == 2 && table["shortlistSize"] as? Int == 2)
    let rows = table["standings"] as! [[String: Any]]
    #expect(rows.prefix(2).map { $0["schulzeRank"] as? Int } == [1, 2])
    #expect(rows.dropFirst(2).allSatisfy { $0["schulzeRank"] == nil || $0["schulzeRank"] is NSNull })
    #expect(table["methodsAgree"] as? Bool == true)
    let text = try salon("prize", "standings", "--by", "schulze").stdout
    #expect(text.contains("Raw, normalised and Schulze agree on the winner: 2."))
    #expect(text.contains("the method is cubic in the number of works"))
    #expect(try salon("prize", "standings", "--by", "borda").status == 64)
    #expect(try salon("prize", "standings", "--shortlist", "0").status == 64)
  }
}
