import Basics
import Catalog
import Foundation

/// A round as `jury rounds --json` prints it.
package struct RoundSummary: Codable, Equatable, Sendable {
  package var name: String
  package var kind: String
  /// `open` or `closed`.
  package var status: String
  package var works: [String]
  package var advanced: [String]
}

/// How closing a round decides which works go on.
package enum AdvanceRule: Equatable, Sendable {
  /// At least K yes votes (a yes-no round).
  case yes(Int)
  /// The N best by the round's default method; works tied at the cut all go on.
  case top(Int)
  /// A weighted raw mean of at least X (a rating round).
  case score(Double)

  package init(parsing text: String, kind: RoundKind) throws {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    let bad = JuryError.round(
      "The advance rule \"\(text)\" is not one of yes:K (a yes-no round), top:N or score:X (a rating round).")
    guard parts.count == 2 else { throw bad }
    switch parts[0] {
    case "yes":
      guard let k = Int(parts[1]), (1...1000).contains(k) else { throw bad }
      guard kind == .yesNo else {
        throw JuryError.round("yes:K is a rule for a yes-no round, not a \(kind.rawValue) round.")
      }
      self = .yes(k)
    case "top":
      guard let n = Int(parts[1]), (1...10_000_000).contains(n) else { throw bad }
      self = .top(n)
    case "score":
      guard let x = Double(parts[1]), x.isFinite else { throw bad }
      guard kind == .rating else {
        throw JuryError.round("score:X is a rule for a rating round, not a \(kind.rawValue) round.")
      }
      self = .score(x)
    default: throw bad
    }
  }

  package var text: String {
    switch self {
    case .yes(let k): return "yes:\(k)"
    case .top(let n): return "top:\(n)"
    case .score(let x): return "score:\(money(x))"
    }
  }
}

/// What closing a round did, for the organiser.
package struct RoundClosing: Codable, Equatable, Sendable {
  package var name: String
  package var kind: String
  package var rule: String?
  /// How works were compared for a `top:N` rule.
  package var method: String?
  package var works: [String]
  package var advanced: [String]
  package var dropped: [String]
  /// Works tied at the cut of `top:N`, all of which advanced.
  package var tiedAtCut: [String]
  /// Works the organiser advanced or dropped, which the rule did not decide.
  package var overridden: [String]
}

/// The round a command acts on, with what it holds.
package struct RoundScope: Sendable {
  package var record: RoundRecord
  /// Submission rows.
  package var works: Set<Int>
  package var criteria: [Criterion]
}

extension Jury {
  /// The rounds of the exhibition, first first.
  package func roundRecords() throws -> [RoundRecord] { try archive.roundRecords(exhibition: exhibition.id) }

  func scope(_ record: RoundRecord) throws -> RoundScope {
    let works = Set(try archive.roundWorks(round: record.rowID))
    return RoundScope(record: record, works: works, criteria: try roundCriteria(record, works: works.count))
  }

  /// What a juror gives in a round: a vote (1 yes, 0 no), a place in their ranking, or the rubric.
  func roundCriteria(_ record: RoundRecord, works: Int) throws -> [Criterion] {
    switch record.kind {
    case .yesNo: return [Criterion(key: "vote", label: "Yes or no", weight: 1, scaleMin: 0, scaleMax: 1)]
    case .ranking:
      return [Criterion(key: "rank", label: "Rank (1 is best)", weight: 1, scaleMin: 1, scaleMax: max(works, 1))]
    case .rating: return try rubric()
    }
  }

  /// The round scoring, sheets, assignment and progress act on: the open one, else the last
  /// closed; nil for an exhibition judged without rounds.
  package func workingRound() throws -> RoundScope? {
    let records = try roundRecords()
    guard let record = records.first(where: \.isOpen) ?? records.last else { return nil }
    return try scope(record)
  }

  /// The round the standings and the award count: the last closed one (the open one while none
  /// has closed); nil without rounds.
  package func standingsRound() throws -> RoundScope? {
    let records = try roundRecords()
    guard let record = records.last(where: { !$0.isOpen }) ?? records.last else { return nil }
    return try scope(record)
  }

  /// The open round scores go to; without rounds nil, and with rounds but none open, a refusal.
  func scoringRound() throws -> RoundScope? {
    let records = try roundRecords()
    if records.isEmpty { return nil }
    guard let open = records.first(where: \.isOpen) else {
      throw JuryError.round(
        "No round is open, so nothing can be scored or assigned; open the next with `salon jury round open NAME --kind KIND`."
      )
    }
    return try scope(open)
  }

  /// The method `prize standings` ranks a round of this kind by when not told otherwise.
  package func defaultBasis() throws -> RankingBasis {
    try standingsRound()?.record.kind == .ranking ? .schulze : .normalized
  }

  // MARK: Opening

  /// Opens a round: the first holds the selected works, a later one exactly the works the
  /// previous round advanced. One round is open at a time.
  @discardableResult
  package func openRound(name: String, kind: RoundKind, rule ruleText: String?) throws -> RoundSummary {
    let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty else { throw JuryError.round("A round needs a name.") }
    let rule = try ruleText.map { try AdvanceRule(parsing: $0, kind: kind) }
    return try archive.transaction {
      if try scoringLocked() {
        throw JuryError.round("The prize has been awarded; `salon prize reopen` before opening another round.")
      }
      let records = try roundRecords()
      if let open = records.first(where: \.isOpen) {
        throw JuryError.round(
          "Round \"\(open.name)\" is still open; close it (`salon jury round close`) before opening another.")
      }
      if records.contains(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) {
        throw JuryError.round("There is already a round called \"\(name)\"; give this one another name.")
      }
      let all = try archive.works(exhibition: exhibition)
      let rows: [Int]
      if let previous = records.last {
        let outcomes = try archive.roundOutcomes(round: previous.rowID)
        rows = try archive.roundWorks(round: previous.rowID).filter { outcomes[$0]?.advanced == true }
        guard !rows.isEmpty else {
          throw JuryError.round("Round \"\(previous.name)\" advanced no work, so there is nothing for a next round.")
        }
      } else {
        rows = all.filter { $0.status == .accepted && $0.isSelected }.map(\.rowID)
        guard !rows.isEmpty else {
          throw JuryError.round(
            "No work is selected yet; the first round holds the selected works (`salon submissions decide ID selected`)."
          )
        }
      }
      _ = try archive.insertRound(exhibition: exhibition.id, name: name, kind: kind, rule: rule?.text, works: rows)
      var detail: [String: Any] = ["round": name, "kind": kind.rawValue, "works": rows.count]
      if let rule { detail["rule"] = rule.text }
      try archive.record("round-opened", exhibition: exhibition.id, detail: detail)
      return try summaries().last!
    }
  }

  /// Every round with its works and what it advanced, in order.
  package func summaries() throws -> [RoundSummary] {
    let ids = Dictionary(uniqueKeysWithValues: try archive.works(exhibition: exhibition).map { ($0.rowID, $0.id) })
    func sorted(_ rows: [Int]) -> [String] { rows.compactMap { ids[$0] }.sorted(by: NaturalOrder.ascending) }
    return try roundRecords().map { record in
      let works = try archive.roundWorks(round: record.rowID)
      let outcomes = try archive.roundOutcomes(round: record.rowID)
      // While open, only the organiser's advances are known; they are listed as advanced.
      return RoundSummary(
        name: record.name, kind: record.kind.rawValue, status: record.isOpen ? "open" : "closed",
        works: sorted(works), advanced: sorted(works.filter { outcomes[$0]?.advanced == true }))
    }
  }

  // MARK: Overrides

  /// The organiser advances or drops works of the open round, or of the round just closed while
  /// no later one is open; each is recorded with its reason.
  package func override(_ ids: [String], advance: Bool, reason: String?) throws -> String {
    let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
    guard !ids.isEmpty else { throw JuryError.round("Name at least one work.") }
    if !advance && reason == nil { throw JuryError.round("Dropping a work needs --reason TEXT; it is recorded.") }
    return try archive.transaction {
      let records = try roundRecords()
      // The last round is the open one, or the one just closed (no later one is open).
      guard let round = records.last else {
        throw JuryError.round("There are no rounds yet; open one with `salon jury round open NAME --kind KIND`.")
      }
      if !round.isOpen, try scoringLocked() {
        throw JuryError.round("The prize has been awarded; `salon prize reopen` before changing a round.")
      }
      let works = Set(try archive.roundWorks(round: round.rowID))
      let all = try archive.works(exhibition: exhibition)
      var rows: [(String, Int)] = []
      for id in ids {
        guard let work = all.first(where: { $0.id == id }) else { throw CatalogError.unknownSubmission(id: id) }
        guard works.contains(work.rowID) else {
          throw JuryError.round(
            "Work \(id) is not in round \"\(round.name)\", so it can be neither advanced nor dropped there.")
        }
        rows.append((id, work.rowID))
      }
      for (id, row) in rows {
        try archive.appendRoundOutcome(
          round: round.rowID, work: row, advanced: advance, source: "organiser", reason: reason)
        var detail: [String: Any] = ["round": round.name, "work": id, "outcome": advance ? "advance" : "drop"]
        if let reason { detail["reason"] = reason }
        try archive.record(
          advance ? "round-advance" : "round-drop", exhibition: exhibition.id, submission: row, detail: detail)
      }
      return round.name
    }
  }

  // MARK: Closing

  /// Closes the open round: its rule decides each work the organiser did not, and the outcome of
  /// every work is recorded.
  package func closeRound() throws -> RoundClosing {
    try archive.transaction {
      guard let open = try roundRecords().first(where: \.isOpen) else {
        throw JuryError.round("No round is open, so there is nothing to close.")
      }
      let round = try scope(open)
      let works = try archive.works(exhibition: exhibition)
      let ids = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0.id) })
      let rowByID = Dictionary(uniqueKeysWithValues: works.map { ($0.id, $0.rowID) })
      let rule = try open.rule.map { try AdvanceRule(parsing: $0, kind: open.kind) }
      var byRule = Set<Int>()
      var method: String?
      var tied: [String] = []
      switch rule {
      case .yes(let k)?:
        let counted = try countedJury(works: works, round: round)
        var yes: [Int: Int] = [:]
        for score in counted.scores where score.values["vote"] == 1 { yes[score.pair.work, default: 0] += 1 }
        byRule = Set(round.works.filter { (yes[$0] ?? 0) >= k })
        method = "yes votes"
      case .top(let n)?:
        let basis = open.kind == .ranking ? RankingBasis.schulze : open.kind == .yesNo ? .raw : .normalized
        let table = try standings(by: basis, round: round, shortlist: max(n, StandingsCalculator.defaultShortlist))
        method = table.method ?? basis.rawValue
        let advancing = table.standings.filter { ($0.rank ?? Int.max) <= n }
        byRule = Set(advancing.compactMap { rowByID[$0.id] })
        if advancing.count > n, let cut = advancing.last?.rank {
          tied = advancing.filter { $0.rank == cut }.map(\.id)
        }
      case .score(let x)?:
        let table = try standings(by: .raw, round: round)
        byRule = Set(table.standings.filter { ($0.raw ?? -Double.infinity) >= x }.compactMap { rowByID[$0.id] })
        method = "weighted raw mean"
      case nil: break
      }
      let before = try archive.roundOutcomes(round: open.rowID)
      var overridden: [String] = []
      for row in round.works.sorted() {
        if let mine = before[row], mine.source == "organiser" {
          if rule != nil && mine.advanced != byRule.contains(row), let id = ids[row] {
            overridden.append(
              "Work \(id) \(mine.advanced ? "advanced" : "dropped") by the organiser\(mine.reason.map { ": \($0)" } ?? "")."
            )
          }
          continue
        }
        try archive.appendRoundOutcome(
          round: open.rowID, work: row, advanced: byRule.contains(row), source: "rule", reason: open.rule)
      }
      try archive.closeRound(open.rowID)
      let outcomes = try archive.roundOutcomes(round: open.rowID)
      func sorted(_ rows: [Int]) -> [String] { rows.compactMap { ids[$0] }.sorted(by: NaturalOrder.ascending) }
      let advanced = sorted(round.works.filter { outcomes[$0]?.advanced == true })
      let dropped = sorted(round.works.filter { outcomes[$0]?.advanced != true })
      var detail: [String: Any] = ["round": open.name, "advanced": advanced, "dropped": dropped.count]
      if let rule { detail["rule"] = rule.text }
      if let method { detail["method"] = method }
      if !tied.isEmpty { detail["tiedAtCut"] = tied }
      try archive.record("round-closed", exhibition: exhibition.id, detail: detail)
      return RoundClosing(
        name: open.name, kind: open.kind.rawValue, rule: rule?.text, method: method, works: sorted(Array(round.works)),
        advanced: advanced, dropped: dropped, tiedAtCut: tied.sorted(by: NaturalOrder.ascending),
        overridden: overridden)
    }
  }

  /// Why a work named for the prize cannot win because of the rounds: it was dropped before the
  /// last closed round, or in it by the organiser. Empty without rounds.
  func roundRefusals(_ ids: [String], works: [Work]) throws -> [String] {
    let records = try roundRecords()
    guard !records.isEmpty else { return [] }
    if let open = records.first(where: \.isOpen) {
      return ["Round \"\(open.name)\" is still open; close it (`salon jury round close`) before awarding the prize."]
    }
    var reasons: [String] = []
    for id in ids {
      guard let work = works.first(where: { $0.id == id }) else { continue }
      for record in records {
        let inRound = Set(try archive.roundWorks(round: record.rowID)).contains(work.rowID)
        guard inRound else { break }
        let outcome = try archive.roundOutcomes(round: record.rowID)[work.rowID]
        let last = record.position == records.count
        // In the last round only the organiser's drop stands against a work; the rule's cut
        // there ranks the finalists, it does not exclude them.
        if outcome?.advanced == false && (!last || outcome?.source == "organiser") {
          let why = outcome?.source == "organiser" ? " by the organiser: \(outcome?.reason ?? "")" : ""
          reasons.append("Work \(id) was dropped in round \"\(record.name)\"\(why), so it cannot win.")
          break
        }
      }
      if !Set(try archive.roundWorks(round: records[0].rowID)).contains(work.rowID) {
        reasons.append("Work \(id) was not in the rounds of judging, so it cannot win.")
      }
    }
    return reasons
  }
}
