import Catalog
import Foundation
import SQLite
import Testing

@testable import Jury

/// Judging in rounds, through the built binary: a triage of yes/no votes, a rating round and a
/// ranked final on a call made here.
@Suite struct RoundsTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func json(_ arguments: String...) throws -> [String: Any] {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "\(arguments): \(run.stderr)")
    return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
  }

  /// Six selected works, every right granted, three jurors.
  func setUp(works: Int = 6) throws {
    _ = try salon("init", "--title", "Salon", "--prize", "300")
    var form = "id,title,artists,rights,authorship\n"
    for n in 1...works {
      scratch.zip("in/\(n).zip", Parts.valid("w\(n)"))
      form += "\(n),Work \(n),Artist \(n),yes,yes\n"
    }
    scratch.write("form.csv", form)
    _ = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    for n in 1...works { #expect(try salon("submissions", "decide", "\(n)", "selected").status == 0) }
    for name in ["Eve", "Finn", "Gus"] { #expect(try salon("jury", "add", name).status == 0) }
  }

  func expectOK(_ run: SalonRun, _ what: String = "") {
    #expect(run.status == 0, "\(what) \(run.stderr)")
  }

  @Test func threeRoundsAdvanceWhatTheVotesImplyAndOnlyAFinalistCanWin() throws {
    try setUp()
    #expect((try json("jury", "rounds", "--json")["rounds"] as? [Any])?.isEmpty == true)
    expectOK(try salon("jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:2"))
    // One round at a time.
    let second = try salon("jury", "round", "open", "ratings", "--kind", "rating")
    #expect(second.status == 1)
    #expect(second.stderr.contains("Round \"triage\" is still open"))
    expectOK(try salon("jury", "assign"))
    // Eve's triage sheet, kept to try in the next round.
    expectOK(try salon("jury", "sheet", "eve", "-o", scratch.path("triage-eve.csv")))
    let votes: [String: [String]] = [
      "1": ["yes", "yes", "yes"], "2": ["yes", "yes", "no"], "3": ["yes", "no", "no"],
      "4": ["no", "yes", "yes"], "5": ["yes", "yes", "yes"], "6": ["no", "no", "no"],
    ]
    for (work, ballot) in votes {
      for (juror, vote) in zip(["eve", "finn", "gus"], ballot) {
        expectOK(try salon("jury", "score", juror, work, "--vote", vote), "vote \(juror) \(work)")
      }
    }
    // Comments: one for the artist (with markup to escape), one private.
    expectOK(
      try salon(
        "jury", "score", "eve", "6", "--vote", "no", "--comment", "<b>Bold</b> colour, weak frame", "--for-artist"))
    expectOK(try salon("jury", "score", "finn", "6", "--vote", "no", "--comment", "Private: the artist's uncle"))
    // A rank in a yes-no round, or the rubric's flags, are refused.
    #expect(try salon("jury", "score", "eve", "1", "--rank", "1").status == 1)
    let rubric = try salon("jury", "score", "eve", "1", "--merit", "5", "--relevance", "5")
    #expect(rubric.status == 1)
    #expect(rubric.stderr.contains("yes-no round"))
    // The organiser's overrides, each with its reason in the log.
    #expect(try salon("jury", "round", "drop", "5").status == 64, "a drop needs a reason")
    expectOK(try salon("jury", "round", "drop", "5", "--reason", "Shown at another salon last year"))
    expectOK(try salon("jury", "round", "advance", "3", "--reason", "The chair asked for a second look"))
    let closing = try json("jury", "round", "close", "--json")
    // yes:2 advances 1, 2, 4 and 5 by the votes; the organiser dropped 5 and advanced 3.
    #expect(closing["advanced"] as? [String] == ["1", "2", "3", "4"])
    #expect(closing["dropped"] as? [String] == ["5", "6"])
    #expect((closing["overridden"] as? [String])?.count == 2)
    let log = try salon("log", "--json").stdout
    #expect(log.contains("Shown at another salon last year"))
    #expect(log.contains("The chair asked for a second look"))
    #expect(log.contains("round-drop") && log.contains("round-advance") && log.contains("round-closed"))

    // Round 2: exactly the works the triage advanced, rated, top:3.
    expectOK(try salon("jury", "round", "open", "ratings", "--kind", "rating", "--advance", "top:3"))
    expectOK(try salon("jury", "assign"))
    let outside = try salon("jury", "score", "eve", "5", "--merit", "9", "--relevance", "9")
    #expect(outside.status == 1)
    #expect(outside.stderr.contains("work 5 is not in the open round \"ratings\""))
    #expect(try salon("jury", "score", "eve", "1", "--vote", "yes").status == 1)
    // The sheet holds only the round's works, with its name and kind.
    let sheet = try salon("jury", "sheet", "finn").stdout
    let rows = sheet.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",")[2] }
    #expect(rows == ["1", "2", "3", "4"])
    #expect(sheet.contains("ratings,rating"))
    let html = try salon("jury", "sheet", "finn", "--format", "html").stdout
    #expect(html.contains("round ratings (rating)"))
    #expect(!html.contains("\"id\":\"5\"") && !html.contains("\"id\":\"6\""))
    // A triage sheet never imports into the rating round.
    let stale = try salon("jury", "import", scratch.path("triage-eve.csv"))
    #expect(stale.status == 1)
    #expect(stale.stderr.contains("never imports into another"))
    // Every juror rates alike: 9, 8, 7, 7, so works 3 and 4 tie at the cut of top:3.
    for juror in ["eve", "finn", "gus"] {
      for (work, value) in [("1", 9), ("2", 8), ("3", 7), ("4", 7)] {
        expectOK(
          try salon("jury", "score", juror, work, "--merit", "\(value)", "--relevance", "\(value)"),
          "rate \(juror) \(work)")
      }
    }
    let progress = try json("jury", "progress", "--json")
    #expect(progress["round"] as? String == "ratings")
    #expect(progress["panel"] == nil, "three jurors are too few to show the panel while the round is open")
    let room = try salon("jury", "room", "gus", "-o", scratch.path("room-gus"))
    expectOK(room)
    let page = try String(contentsOfFile: scratch.path("room-gus/index.html"), encoding: .utf8)
    #expect(page.contains("round ratings (rating)"))
    #expect(room.stdout.contains("4 works"))
    let ratingClose = try salon("jury", "round", "close")
    expectOK(ratingClose)
    #expect(ratingClose.stdout.contains("Works 3, 4 tie at the cut, so all of them advance."))
    #expect(ratingClose.stdout.contains("normalized"))
    // Closed, the round shows the panel's distribution beside each juror's.
    let closedProgress = try json("jury", "progress", "--json")
    #expect(closedProgress["panel"] as? [String: Int] == ["9": 3, "8": 3, "7": 6])
    let eve = (closedProgress["jurors"] as! [[String: Any]]).first { $0["id"] as? String == "eve" }
    #expect(eve?["distribution"] as? [String: Int] == ["9": 1, "8": 1, "7": 2])

    // The final: ranked.
    expectOK(try salon("jury", "round", "open", "final", "--kind", "ranking"))
    expectOK(try salon("jury", "assign"))
    #expect(try salon("jury", "score", "eve", "1", "--rank", "5").status == 1, "four works: ranks 1 to 4")
    let rankings = [
      "eve": ["2", "1", "3", "4"], "finn": ["2", "3", "1", "4"], "gus": ["1", "2", "4", "3"],
    ]
    for (juror, order) in rankings {
      for (place, work) in order.enumerated() {
        expectOK(try salon("jury", "score", juror, work, "--rank", "\(place + 1)"), "rank \(juror) \(work)")
      }
    }
    // Awarding while the final is open is refused.
    #expect(try salon("prize", "award", "2").status == 1)
    expectOK(try salon("jury", "round", "close"))
    let rounds = try json("jury", "rounds", "--json")["rounds"] as! [[String: Any]]
    #expect(rounds.map { $0["name"] as? String } == ["triage", "ratings", "final"])
    #expect(rounds.map { $0["status"] as? String } == ["closed", "closed", "closed"])
    #expect(rounds[0]["works"] as? [String] == ["1", "2", "3", "4", "5", "6"])
    #expect(rounds[1]["works"] as? [String] == ["1", "2", "3", "4"])
    #expect(rounds[1]["advanced"] as? [String] == ["1", "2", "3", "4"])
    #expect(Set(rounds[0].keys) == ["name", "kind", "status", "works", "advanced"])

    // Standings count the final by Schulze: 2 beats 1 on two of three rankings, and everything else.
    let standings = try json("prize", "standings", "--json")
    #expect(standings["round"] as? String == "final")
    #expect(standings["by"] as? String == "schulze")
    let lines = standings["standings"] as! [[String: Any]]
    #expect(lines.map { $0["id"] as? String } == ["2", "1", "3", "4"])
    #expect(lines[0]["meanRank"] as? Double == 1.333333)
    // Borda normalised by list length: 2 has 1, 1 and 2/3.
    #expect(lines[0]["raw"] as? Double == 0.888889)

    // A dropped work cannot win, even forced.
    let dropped = try salon("prize", "award", "5", "--force", "--note", "We insist")
    #expect(dropped.status == 1)
    #expect(dropped.stderr.contains("Work 5 was dropped in round \"triage\" by the organiser"))
    let never = try salon("prize", "award", "6")
    #expect(never.status == 1)
    #expect(never.stderr.contains("Work 6 was dropped in round \"triage\""))
    expectOK(try salon("prize", "award", "2"))

    // Letters: private pages, one per submission, with no juror's name.
    let letters = try salon("prize", "letters", "-o", scratch.path("letters"))
    expectOK(letters)
    let folder = scratch.path("letters")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(files.count == 6)
    #expect(try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int == 0o700)
    let six = try String(contentsOfFile: folder + "/letter-6.html", encoding: .utf8)
    #expect(six.contains("&lt;b&gt;Bold&lt;/b&gt; colour, weak frame"))
    #expect(!six.contains("<b>Bold") && !six.contains("Private") && !six.contains("uncle"))
    #expect(six.contains("reached round 1 of 3, &quot;triage&quot;, and went no further."))
    let two = try String(contentsOfFile: folder + "/letter-2.html", encoding: .utf8)
    #expect(two.contains("reached round 3 of 3") && two.contains("awarded the prize"))
    for file in files {
      let page = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
      #expect(!page.contains("Eve") && !page.contains("Finn") && !page.contains("Gus"), "\(file) names no juror")
      #expect(try FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.posixPermissions] as? Int == 0o600)
    }
    // Nothing of the letters enters the public gallery.
    expectOK(try salon("export", "-o", scratch.path("gallery")))
    let gallery = FileManager.default.enumerator(atPath: scratch.path("gallery"))!.compactMap { $0 as? String }
    for file in gallery where file.hasSuffix(".html") || file.hasSuffix(".json") {
      let text = try String(contentsOfFile: scratch.path("gallery") + "/" + file, encoding: .utf8)
      #expect(!text.contains("weak frame") && !text.contains("uncle"), "\(file)")
    }
  }

  @Test func aTriageWithTooFewJurorsIsReportedAtAssignmentAndAnArchiveWithoutRoundsIsUnchanged() throws {
    try setUp(works: 2)
    // Without rounds, scoring is as it always was.
    expectOK(try salon("jury", "assign"))
    expectOK(try salon("jury", "score", "eve", "1", "--merit", "7", "--relevance", "7"))
    #expect(try salon("jury", "score", "eve", "1", "--vote", "yes").status == 1)
    #expect(try json("jury", "progress", "--json")["round"] == nil)
    #expect(try json("prize", "standings", "--json")["round"] == nil)
    // A yes:4 triage with three jurors cannot advance anything.
    expectOK(try salon("jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:4"))
    let assign = try salon("jury", "assign", "--json")
    expectOK(assign)
    #expect(assign.stdout.contains("fewer than the 4 yes votes it needs to advance"))
    // Rules that do not fit the kind are refused.
    #expect(try salon("jury", "round", "close").status == 0)
    let bad = try salon("jury", "round", "open", "again", "--kind", "ranking", "--advance", "score:3")
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("score:X is a rule for a rating round"))
    // Nothing advanced from the triage, so there is no next round.
    let empty = try salon("jury", "round", "open", "again", "--kind", "ranking")
    #expect(empty.status == 1)
    #expect(empty.stderr.contains("advanced no work"))
    // With every round closed, nothing can be scored.
    let closed = try salon("jury", "score", "eve", "1", "--vote", "yes")
    #expect(closed.status == 1)
    #expect(closed.stderr.contains("No round is open"))
  }

  @Test func aTriageSheetFilledWithYesAndNoImportsIntoItsRound() throws {
    try setUp(works: 3)
    expectOK(try salon("jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:1"))
    expectOK(try salon("jury", "assign"))
    let sheet = try salon("jury", "sheet", "eve").stdout
    #expect(sheet.contains("vote (yes/no)"))
    // The juror writes yes for work 1 and no for work 3, and leaves 2.
    var lines = sheet.split(whereSeparator: \.isNewline).map(String.init)
    for index in lines.indices.dropFirst() {
      var cells = lines[index].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if cells[2] == "1" {
        cells[5] = "yes"
        cells[6] = "Lovely light"
        cells[7] = "yes"
      }
      if cells[2] == "3" { cells[5] = "No" }
      lines[index] = cells.joined(separator: ",")
    }
    let filled = scratch.write("eve.csv", lines.joined(separator: "\r\n") + "\r\n")
    let imported = try salon("jury", "import", filled)
    expectOK(imported)
    #expect(imported.stdout.contains("2 of 3 works scored"))
    // A sheet naming another round is refused.
    let forged = scratch.write(
      "forged.csv", lines.joined(separator: "\r\n").replacingOccurrences(of: ",triage,", with: ",final,"))
    #expect(try salon("jury", "import", forged).status == 1)
    let closing = try json("jury", "round", "close", "--json")
    #expect(closing["advanced"] as? [String] == ["1"])
    // The comment the juror marked for the artist reaches the letter, and only that work's.
    expectOK(try salon("prize", "letters", "-o", scratch.path("letters")))
    #expect(try String(contentsOfFile: scratch.path("letters/letter-1.html"), encoding: .utf8).contains("Lovely light"))
    #expect(!(try String(contentsOfFile: scratch.path("letters/letter-2.html"), encoding: .utf8).contains("Lovely")))
  }

  @Test func theRecordOfRoundsCannotBeChangedEvenWithSQL() throws {
    let f = JuryFixture(works: 2)
    for id in ["1", "2"] { try f.t.archive.decide(exhibition: f.t.exhibition, id: id, selected: true, note: nil) }
    try f.jury.addJuror(name: "Ann", email: nil)
    try f.jury.openRound(name: "triage", kind: .yesNo, rule: "yes:1")
    _ = try f.jury.assign(perWork: nil, seed: 1)
    try f.jury.score(ScoreEntry(juror: "ann", submission: "1", values: ["vote": 1]))
    _ = try f.jury.override(["2"], advance: false, reason: "Withdrawn by the artist")
    _ = try f.jury.closeRound()
    let database = f.t.archive.database
    for table in ["jury_round", "jury_round_close", "round_work", "round_outcome"] {
      let before = try database.query("SELECT * FROM \(table) ORDER BY rowid").map(\.columns)
      #expect(!before.isEmpty)
      for sql in [
        "UPDATE \(table) SET rowid = rowid", "DELETE FROM \(table)",
        "INSERT OR REPLACE INTO \(table) SELECT * FROM \(table)",
      ] {
        #expect(throws: DatabaseError.self, "\(sql)") { try database.execute(sql) }
      }
      #expect(try database.query("SELECT * FROM \(table) ORDER BY rowid").map(\.columns) == before, "\(table)")
    }
    // A vote is yes or no, and a second open round is refused, in the database itself.
    #expect(throws: DatabaseError.self) {
      try database.execute(
        "INSERT INTO score_change (juror_id, submission_id, criterion, value, source, time, actor, round_id) SELECT juror_id, submission_id, 'vote', 2, source, time, actor, round_id FROM score_change LIMIT 1"
      )
    }
    try f.jury.openRound(name: "final", kind: .ranking, rule: nil)
    #expect(throws: DatabaseError.self) {
      try database.execute(
        "INSERT INTO jury_round (exhibition_id, position, name, kind, opened_at, actor) SELECT exhibition_id, 9, 'x', 'rating', opened_at, actor FROM jury_round LIMIT 1"
      )
    }
  }
}

/// A juror's HTML sheet in a ranking round and in a triage, in real headless Chromium: works
/// ranked by keyboard and by button, votes by clicking, each saved and imported by `salon`.
@Suite(.serialized) struct RoundsBrowserTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func sheet(downloads name: String) throws -> (sheet: String, downloads: String) {
    let sheet = scratch.path("\(name).html")
    #expect(try salon("jury", "sheet", "dana-juror", "--format", "html", "-o", sheet).status == 0)
    let downloads = scratch.path(name)
    try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
    return (sheet, downloads)
  }

  @Test func aJurorVotesThenRanksByKeyboardAndButtonAndTheSheetsImport() throws {
    _ = try salon("init", "--title", "Salon")
    var form = "id,title,artists,rights,authorship\n"
    for n in 1...3 {
      scratch.zip("in/\(n).zip", Parts.valid("w\(n)"))
      form += "\(n),Work \(n),Artist \(n),yes,yes\n"
    }
    scratch.write("form.csv", form)
    _ = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    for n in 1...3 { _ = try salon("submissions", "decide", "\(n)", "selected") }
    _ = try salon("jury", "add", "Dana Juror")

    // The triage, without a rule: yes for work 1 by clicking, no for the others.
    #expect(try salon("jury", "round", "open", "triage", "--kind", "yes-no").status == 0)
    #expect(try salon("jury", "assign").status == 0)
    let triage = try sheet(downloads: "triage")
    let voted = try Chromium.run(["vote", triage.sheet, triage.downloads], driver: "rounds.py") as! [String: Any]
    #expect(voted["status"] as? String == "3 of 3 works scored.")
    // In the jury room: a yes button, and the juror's own count beside the progress.
    #expect(try salon("jury", "room", "dana-juror", "-o", scratch.path("room")).status == 0)
    try FileManager.default.createDirectory(atPath: scratch.path("room-saved"), withIntermediateDirectories: true)
    let room =
      try Chromium.run(["roomvote", scratch.path("room/index.html"), scratch.path("room-saved")], driver: "rounds.py")
      as! [String: Any]
    #expect(room["progress"] as? String == "1 of 3 scored; you said yes to 1 and no to 0")
    let fromRoom = try salon("jury", "import", try #require(room["saved"] as? String))
    #expect(fromRoom.status == 0, "\(fromRoom.stderr)")
    #expect(fromRoom.stdout.contains("1 of 3 works scored"))
    #expect(try salon("prize", "letters", "-o", scratch.path("letters")).status == 0)
    let letter = try String(contentsOfFile: scratch.path("letters/letter-1.html"), encoding: .utf8)
    #expect(letter.contains("A strong &lt;i&gt;first&lt;/i&gt; image"), "ticked in the room, escaped in the letter")
    let votes = try salon("jury", "import", try #require(voted["saved"] as? String))
    #expect(votes.status == 0, "\(votes.stderr)")
    let progress = try Binary.json(try salon("jury", "progress", "--json")) as! [String: Any]
    let dana = (progress["jurors"] as! [[String: Any]])[0]
    #expect(dana["distribution"] as? [String: Int] == ["yes": 1, "no": 2])
    // Without a rule only the organiser's advances go on: all three, to the final.
    #expect(try salon("jury", "round", "advance", "1", "2", "3", "--reason", "All to the final").status == 0)
    #expect(try salon("jury", "round", "close").status == 0)

    #expect(try salon("jury", "round", "open", "final", "--kind", "ranking").status == 0)
    #expect(try salon("jury", "assign").status == 0)
    let final = try sheet(downloads: "final")
    let ranked = try Chromium.run(["rank", final.sheet, final.downloads], driver: "rounds.py") as! [String: Any]
    #expect(ranked["before"] as? [String] == ["1", "2", "3"])
    #expect(ranked["keyboard"] as? [String] == ["3", "1", "2"], "Alt+Up twice takes the last work to the top")
    #expect(ranked["focused"] as? String == "work-2", "the moved work keeps the focus")
    #expect(ranked["after"] as? [String] == ["3", "2", "1"])
    #expect(ranked["ranks"] as? [String] == ["Rank 1 of 3", "Rank 2 of 3", "Rank 3 of 3"])
    // The same in the jury room: the list of works is the ranking.
    #expect(try salon("jury", "room", "dana-juror", "-o", scratch.path("final-room")).status == 0)
    try FileManager.default.createDirectory(atPath: scratch.path("final-room-saved"), withIntermediateDirectories: true)
    let inRoom =
      try Chromium.run(
        ["roomrank", scratch.path("final-room/index.html"), scratch.path("final-room-saved")], driver: "rounds.py")
      as! [String: Any]
    #expect(inRoom["before"] as? [String] == ["1", "2", "3"])
    #expect(inRoom["keyboard"] as? [String] == ["3", "1", "2"])
    #expect(inRoom["focused"] as? String == "2", "the moved work's link keeps the focus")
    #expect(inRoom["after"] as? [String] == ["3", "2", "1"])
    #expect(inRoom["fields"] as? [String] == ["3", "2", "1"], "work 1 is ranked 3rd, work 3 first")
    #expect(inRoom["progress"] as? String == "3 of 3 scored")
    let rankedInRoom = try salon("jury", "import", try #require(inRoom["saved"] as? String))
    #expect(rankedInRoom.status == 0, "\(rankedInRoom.stderr)")
    #expect(rankedInRoom.stdout.contains("3 of 3 works scored"))
    // The sheet, saved before the room's, puts the same ranking in.
    let imported = try salon("jury", "import", try #require(ranked["saved"] as? String))
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(try salon("jury", "round", "close").status == 0)
    let standings = try Binary.json(try salon("prize", "standings", "--json")) as! [String: Any]
    #expect((standings["standings"] as! [[String: Any]]).map { $0["id"] as? String } == ["3", "2", "1"])
    // The triage sheet, saved in the browser, does not import into the final.
    #expect(try salon("jury", "import", try #require(voted["saved"] as? String)).status == 1)
  }
}
