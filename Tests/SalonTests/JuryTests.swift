import Catalog
import Foundation
import Ingest
import Testing

@testable import Jury

/// An exhibition with accepted works and declarations, ready for a jury.
struct JuryFixture {
  let t = TestArchive()
  let jury: Jury

  init(works: Int = 6) {
    var csv = "id,title,artists,email,rights,authorship\n"
    for n in 1...works { csv += "\(n),Work \(n),Artist \(n),artist\(n)@x.org,yes,yes\n" }
    let form = try! FormExport.parse(Data(csv.utf8))
    for n in 1...works {
      _ = try! t.ingest(t.scratch.zip("\(n).zip", Parts.valid("w\(n)")), form: form)
      // Selected, so that any of them can win.
      try! t.archive.decide(exhibition: t.exhibition, id: "\(n)", selected: true, note: nil)
    }
    jury = Jury(archive: t.archive, exhibition: t.exhibition)
  }

  func pairs() throws -> Set<String> {
    let jurors = Dictionary(uniqueKeysWithValues: try jury.jurors().map { ($0.rowID, $0.id) })
    let works = Dictionary(
      uniqueKeysWithValues: try t.archive.works(exhibition: t.exhibition).map { ($0.rowID, $0.id) })
    return Set(try jury.assignmentPairs().map { "\(jurors[$0.juror]!)→\(works[$0.work]!)" })
  }

  func score(_ juror: String, _ work: String, _ merit: Int, _ relevance: Int, comment: String? = nil) throws {
    try jury.apply(
      [
        (
          "test",
          ScoreEntry(
            juror: juror, submission: work, values: ["merit": merit, "relevance": relevance], comment: comment)
        )
      ], source: .commandLine)
  }
}

@Suite struct JuryTests {
  @Test func assignmentGivesEachWorkKJurorsWithLoadsWithinOne() throws {
    let f = JuryFixture(works: 7)
    for name in ["Ann", "Ben", "Cleo"] { try f.jury.addJuror(name: name, email: nil) }
    let report = try f.jury.assign(perWork: 2, seed: 42)
    #expect(report.shortfalls.isEmpty)
    let loads = report.loads.values
    #expect(loads.reduce(0, +) == 14)
    #expect(loads.max()! - loads.min()! <= 1)
    let pairs = try f.pairs()
    for n in 1...7 { #expect(pairs.filter { $0.hasSuffix("→\(n)") }.count == 2) }
  }

  @Test func theSameSeedGivesTheSameAssignment() throws {
    let a = JuryFixture(works: 9)
    let b = JuryFixture(works: 9)
    for f in [a, b] { for name in ["Ann", "Ben", "Cleo", "Dev"] { try f.jury.addJuror(name: name, email: nil) } }
    _ = try a.jury.assign(perWork: 2, seed: 5)
    _ = try b.jury.assign(perWork: 2, seed: 5)
    #expect(try a.pairs() == b.pairs())
    _ = try b.jury.assign(perWork: 2, seed: 6)
    #expect(try a.pairs() != b.pairs(), "another seed draws differently")
  }

  @Test func conflictsAreFoundAutomaticallyAndRespected() throws {
    let f = JuryFixture(works: 3)
    try f.jury.addJuror(name: "Artist 1", email: nil)
    try f.jury.addJuror(name: "Ben", email: "ARTIST2@x.org")
    try f.jury.addJuror(name: "Cleo", email: nil)
    try f.jury.declareConflict(juror: "cleo", submission: "3", reason: "former student")
    let conflicts = try f.jury.conflicts()
    #expect(
      conflicts.contains(
        Conflict(
          juror: "artist-1", submission: "1", reason: "the juror's name matches an artist of the work", automatic: true)
      ))
    #expect(conflicts.contains { $0.juror == "ben" && $0.submission == "2" && $0.automatic })
    #expect(conflicts.contains(Conflict(juror: "cleo", submission: "3", reason: "former student", automatic: false)))
    let report = try f.jury.assign(perWork: nil, seed: 1)
    let pairs = try f.pairs()
    #expect(!pairs.contains("artist-1→1") && !pairs.contains("ben→2") && !pairs.contains("cleo→3"))
    #expect(report.shortfalls.isEmpty, "default K is every juror without a conflict")
  }

  @Test func sayWhichWorkCannotGetKJurorsAndWhy() throws {
    let f = JuryFixture(works: 2)
    try f.jury.addJuror(name: "Ann", email: nil)
    try f.jury.addJuror(name: "Ben", email: nil)
    try f.jury.declareConflict(juror: "ann", submission: "1", reason: nil)
    let report = try f.jury.assign(perWork: 2, seed: 1)
    #expect(report.shortfalls == ["Work 1 has 1 of 2 jurors: Ann has a conflict."])
  }

  @Test func reassigningKeepsAssignmentsThatHaveScores() throws {
    let f = JuryFixture(works: 4)
    try f.jury.addJuror(name: "Ann", email: nil)
    try f.jury.addJuror(name: "Ben", email: nil)
    _ = try f.jury.assign(perWork: 1, seed: 3)
    let first = try f.pairs()
    let scored = first.sorted().first!
    let parts = scored.split(separator: "→").map(String.init)
    try f.score(parts[0], parts[1], 7, 7)
    try f.jury.addJuror(name: "Cleo", email: nil)
    for seed in [4, 5, 6] {
      _ = try f.jury.assign(perWork: 1, seed: seed)
      #expect(try f.pairs().contains(scored))
    }
  }

  @Test func everyChangeOfAScoreIsKeptAndTheLatestCounts() throws {
    let f = JuryFixture(works: 1)
    try f.jury.addJuror(name: "Ann", email: nil)
    _ = try f.jury.assign(perWork: 1, seed: 1)
    try f.score("ann", "1", 5, 5)
    try f.score("ann", "1", 8, 5, comment: "Grew on me")
    let history = try f.t.archive.database.query("SELECT * FROM score_change WHERE criterion = 'merit' ORDER BY id")
    #expect(try history.map { try $0.optionalInt("value") } == [5, 8])
    #expect(try history.map { try $0.optionalInt("previous") } == [nil, 5])
    #expect(try f.jury.standings(by: .raw).standings[0].raw == 6.5)
  }

  @Test func scoresOutOfRangeUnassignedOrConflictedAreRefused() throws {
    let f = JuryFixture(works: 2)
    try f.jury.addJuror(name: "Ann", email: nil)
    try f.jury.addJuror(name: "Ben", email: nil)
    _ = try f.jury.assign(perWork: 1, seed: 1)
    let pairs = try f.pairs()
    let annWork = pairs.first { $0.hasPrefix("ann→") }!.split(separator: "→")[1]
    let benWork = pairs.first { $0.hasPrefix("ben→") }!.split(separator: "→")[1]
    #expect(throws: JuryError.self) { try f.score("ann", String(annWork), 11, 5) }
    #expect(throws: JuryError.self) { try f.score("ann", String(benWork), 5, 5) }
    try f.jury.declareConflict(juror: "ann", submission: String(annWork), reason: nil)
    #expect(throws: JuryError.self) { try f.score("ann", String(annWork), 5, 5) }
  }

  @Test func theRubricIsFixedOnceScoringBegins() throws {
    let f = JuryFixture(works: 1)
    try f.jury.setRubric([
      Criterion(key: "merit", label: "Merit", weight: 2), Criterion(key: "relevance", label: "Fit"),
    ])
    #expect(try f.jury.rubric().map(\.weight) == [2, 1])
    try f.jury.addJuror(name: "Ann", email: nil)
    _ = try f.jury.assign(perWork: 1, seed: 1)
    try f.score("ann", "1", 5, 5)
    #expect(throws: JuryError.rubricLocked) { try f.jury.setRubric(Criterion.defaults) }
  }

  @Test func awardingLocksScoringAndReopeningUnlocksIt() throws {
    let f = JuryFixture(works: 2)
    try f.jury.addJuror(name: "Ann", email: nil)
    _ = try f.jury.assign(perWork: 1, seed: 1)
    try f.score("ann", "1", 9, 9)
    #expect(throws: JuryError.self, "a score is missing") {
      try f.jury.award(["1"], amount: nil, note: nil, force: false)
    }
    try f.score("ann", "2", 4, 4)
    let state = try f.jury.award(["1"], amount: nil, note: "A fine work", force: false)
    #expect(state.winners.map(\.amount) == [200])
    #expect(throws: JuryError.scoringLocked) { try f.score("ann", "2", 5, 5) }
    try f.jury.reopen(note: "recount")
    try f.score("ann", "2", 9, 9)
    #expect(try f.jury.prizeState().awarded == false)
  }

  @Test func theAmountIsSplitAndNeverExceedsThePrize() throws {
    let f = JuryFixture(works: 3)
    try f.jury.addJuror(name: "Ann", email: nil)
    _ = try f.jury.assign(perWork: 1, seed: 1)
    #expect(throws: JuryError.self) { try f.jury.award(["1", "2"], amount: 150, note: nil, force: true) }
    let state = try f.jury.award(["1", "2", "3"], amount: nil, note: "no scores yet", force: true)
    #expect(state.winners.map(\.amount) == [66.66, 66.66, 66.66])
    #expect(state.forced)
    let events = try f.t.archive.database.query("SELECT detail FROM event WHERE kind = 'award'")
    #expect(try events.first?.string("detail").contains("\"forced\":true") == true)
  }
}

@Suite struct SheetTests {
  func fixture() throws -> (JuryFixture, Juror) {
    let f = JuryFixture(works: 3)
    let ann = try f.jury.addJuror(name: "Ann", email: nil)
    try f.jury.addJuror(name: "Ben", email: nil)
    _ = try f.jury.assign(perWork: nil, seed: 1)
    return (f, ann)
  }

  func filled(_ sheet: String, _ values: [String: (String, String)]) -> Data {
    var lines = sheet.components(separatedBy: "\r\n")
    for index in lines.indices.dropFirst() where !lines[index].isEmpty {
      var cells = lines[index].components(separatedBy: ",")
      if let (merit, relevance) = values[cells[2]] {
        cells[5] = merit
        cells[6] = relevance
      }
      lines[index] = cells.joined(separator: ",")
    }
    return Data(lines.joined(separator: "\r\n").utf8)
  }

  @Test func aFilledCSVSheetImportsAndBlankRowsMeanNotYetScored() throws {
    let (f, ann) = try fixture()
    let sheet = try f.jury.csvSheet(for: ann)
    let result = try f.jury.importSheet(filled(sheet, ["1": ("7", "8"), "2": ("6", "6")]), name: "ann.csv")
    #expect(result.scored == 2 && result.rows == 3 && result.changes == 4)
    let progress = try f.jury.progress()
    #expect(progress.jurors.first { $0.id == "ann" }?.scored == 2)
    #expect(
      try f.t.archive.database.query("SELECT DISTINCT source FROM score_change").map { try $0.string("source") } == [
        "csv-sheet"
      ])
  }

  @Test func aSheetEditedToSpeakForAnotherJurorIsRefused() throws {
    let (f, ann) = try fixture()
    let sheet = try f.jury.csvSheet(for: ann).replacingOccurrences(of: "\r\nann,", with: "\r\nben,")
    #expect {
      try f.jury.importSheet(filled(sheet, ["1": ("7", "8")]), name: "forged.csv")
    } throws: { error in
      "\(error)".contains("authentication code does not match juror ben")
    }
    #expect(try f.t.archive.database.query("SELECT * FROM score_change").isEmpty)
  }

  @Test func aSheetWithAnyBadRowIsRefusedWholeWithLineNumbers() throws {
    let (f, ann) = try fixture()
    let sheet = try f.jury.csvSheet(for: ann)
    #expect {
      try f.jury.importSheet(filled(sheet, ["1": ("7", "8"), "2": ("7.5", "8"), "3": ("12", "")]), name: "ann.csv")
    } throws: { error in
      let text = "\(error)"
      return text.contains("ann.csv line 3: merit is \"7.5\", not a whole number")
        && text.contains("ann.csv line 4: the score for relevance is missing")
    }
    #expect(try f.t.archive.database.query("SELECT * FROM score_change").isEmpty, "the good row was not applied either")
  }

  @Test func outOfRangeAndUnassignedWorksAreRefused() throws {
    let (f, ann) = try fixture()
    var sheet = try f.jury.csvSheet(for: ann)
    let code = try f.jury.sheetCode(for: ann)
    sheet += "ann,\(code),99,Ghost,,5,5,\r\n"
    #expect {
      try f.jury.importSheet(filled(sheet, ["1": ("0", "8")]), name: "s.csv")
    } throws: { error in
      "\(error)".contains("merit is 0, outside the scale 1 to 10") && "\(error)".contains("no work \"99\"")
    }
  }

  @Test func aConflictDeclaredAfterTheSheetWasMadeRefusesThatRow() throws {
    let (f, ann) = try fixture()
    let sheet = try f.jury.csvSheet(for: ann)
    try f.jury.declareConflict(juror: "ann", submission: "2", reason: "collaborator")
    #expect {
      try f.jury.importSheet(filled(sheet, ["2": ("5", "5")]), name: "s.csv")
    } throws: { error in "\(error)".contains("conflict of interest with work 2") }
  }

  @Test func theHTMLSheetCarriesItsDataAndHidesArtistsUnlessAsked() throws {
    let (f, ann) = try fixture()
    let page = try f.jury.htmlSheet(for: ann, showArtists: false, preview: { _ in nil })
    #expect(page.contains("id=\"salon-sheet-data\""))
    #expect(!page.contains("Artist 1"))
    #expect(page.contains("Content-Security-Policy"))
    #expect(!page.contains("http://") && !page.contains("https://"), "nothing is fetched")
    let shown = try f.jury.htmlSheet(for: ann, showArtists: true, preview: { _ in nil })
    #expect(shown.contains("Artist 1"))
  }
}
