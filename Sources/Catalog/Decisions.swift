import Basics
import Foundation
import SQLite

/// One programme decision asked for: a submission, selected or declined.
package struct DecisionRequest: Equatable, Sendable {
  package var id: String
  package var selected: Bool
  package var note: String?
  /// Where the request came from ("line 4 of decisions.csv"), for messages.
  package var origin: String?
  package init(id: String, selected: Bool, note: String? = nil, origin: String? = nil) {
    self.id = id
    self.selected = selected
    self.note = note
    self.origin = origin
  }
}

/// What a batch of decisions recorded.
package struct DecisionOutcome: Codable, Equatable, Sendable {
  /// A selected work the export will leave out, and why.
  package struct Unpublishable: Codable, Equatable, Sendable {
    package var id: String
    package var reasons: [String]
  }
  package var selected: [String] = []
  package var declined: [String] = []
  package var unpublishable: [Unpublishable] = []
  /// Accepted submissions `--all-accepted` left alone because they already have a decision.
  package var alreadyDecided: Int = 0
  package init() {}
}

extension Declarations {
  /// Why the gallery must leave a work out whatever the programme decision: the artist did not
  /// grant the rights to publish it or affirm authorship (or the form does not say).
  package var reasonsNotPublishable: [String] {
    var reasons: [String] = []
    switch rightsGranted {
    case .yes: break
    case .no: reasons.append("the artist did not grant the rights to publish it")
    case .unknown: reasons.append("the artist's grant of rights to publish is unknown")
    }
    switch authorshipAffirmed {
    case .yes: break
    case .no: reasons.append("the artist did not affirm authorship")
    case .unknown: reasons.append("the artist's affirmation of authorship is unknown")
    }
    return reasons
  }
}

extension SalonArchive {
  /// Records every decision asked for in one transaction, or none: an unknown submission, or a
  /// rejected one to select, refuses the whole batch naming it. Progress is (done, total).
  package func decide(
    exhibition: Exhibition, _ requests: [DecisionRequest], progress: ((Int, Int) -> Void)? = nil
  ) throws -> DecisionOutcome {
    try database.transaction {
      var targets: [Target] = []
      var seen: [String: String] = [:]
      for request in requests {
        func refuse(_ reason: String) -> CatalogError {
          let origin = request.origin.map { "\($0.prefix(1).uppercased())\($0.dropFirst()): " } ?? ""
          return .invalidSetting(
            "\(origin)\(reason)\(requests.count > 1 ? " Nothing was recorded." : "")")
        }
        if let earlier = seen[request.id] {
          if request.origin == nil { continue }
          throw refuse("submission \"\(request.id)\" is already decided on \(earlier).")
        }
        seen[request.id] = request.origin ?? request.id
        guard
          let row = try database.queryOne(
            """
            SELECT s.id AS submission_row, v.*, \(Self.correctionColumns)
            FROM submission s JOIN version v ON v.submission_id = s.id \(Self.correctionJoin("v"))
            WHERE s.exhibition_id = ? AND s.key = ? ORDER BY v.number DESC LIMIT 1
            """, [exhibition.id, request.id])
        else {
          if requests.count == 1 { throw CatalogError.unknownSubmission(id: request.id) }
          throw refuse("There is no submission \"\(request.id)\" in this exhibition.")
        }
        if request.selected, try row.string("status") != SubmissionStatus.accepted.rawValue {
          throw refuse(
            "Submission \"\(request.id)\" was rejected at ingest, so it cannot be selected; ask the artist to resubmit."
          )
        }
        targets.append(
          (request, try row.int("submission_row"), try row.int("number"), try Self.currentDeclarations(from: row).1))
      }
      return try record(targets, exhibition: exhibition, progress: progress)
    }
  }

  /// Selects every accepted submission that has no decision yet; those already selected or
  /// declined stay as they are.
  package func selectAllAccepted(
    exhibition: Exhibition, note: String?, progress: ((Int, Int) -> Void)? = nil
  ) throws -> DecisionOutcome {
    try database.transaction {
      var targets: [Target] = []
      var alreadyDecided = 0
      try database.forEachRow(
        """
        SELECT s.id AS submission_row, s.key AS submission_key, v.*, \(Self.correctionColumns),
          EXISTS (SELECT 1 FROM decision d WHERE d.submission_id = s.id AND d.version = v.number) AS decided
        FROM submission s
        JOIN version v ON v.submission_id = s.id
          AND v.number = (SELECT max(number) FROM version WHERE submission_id = s.id)
        \(Self.correctionJoin("v"))
        WHERE s.exhibition_id = ? AND v.status = 'accepted'
        ORDER BY s.key COLLATE NOCASE
        """, [exhibition.id]
      ) { row in
        if try row.bool("decided") {
          alreadyDecided += 1
          return
        }
        targets.append(
          (
            DecisionRequest(id: try row.string("submission_key"), selected: true, note: note),
            try row.int("submission_row"), try row.int("number"), try Self.currentDeclarations(from: row).1
          ))
      }
      var outcome = try record(targets, exhibition: exhibition, progress: progress)
      outcome.alreadyDecided = alreadyDecided
      return outcome
    }
  }

  /// Records the decisions of a CSV of `id,decision[,note]` (a header row is optional), all or
  /// none: a bad row refuses the file, naming its line.
  package func decide(
    exhibition: Exhibition, csvAt path: String, note: String?, progress: ((Int, Int) -> Void)? = nil
  ) throws -> DecisionOutcome {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let data: Data
    do { data = try InputFile.read(path) } catch {
      throw CatalogError.invalidSetting(InputFile.sentence(error, path: path, what: "the decisions file"))
    }
    let requests = try Self.decisionRequests(csv: data, name: name, note: note)
    guard !requests.isEmpty else {
      throw CatalogError.invalidSetting("\(name) holds no decisions; each line needs an id and selected or declined.")
    }
    return try decide(exhibition: exhibition, requests, progress: progress)
  }

  /// The rows of a decisions CSV: `id,decision` with an optional note column and header row.
  package static func decisionRequests(csv data: Data, name: String, note: String?) throws -> [DecisionRequest] {
    let records: [CSVReader.Record]
    do { records = try CSVReader.records(from: data) } catch let error as CSVReader.Malformed {
      throw CatalogError.invalidSetting(
        "Line \(error.line) of \(name) is malformed: \(error.reason). Nothing was recorded.")
    }
    var requests: [DecisionRequest] = []
    for (position, record) in records.enumerated() {
      let fields = record.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      if fields.allSatisfy(\.isEmpty) { continue }
      if position == 0, fields.first?.lowercased() == "id" { continue }
      func refuse(_ reason: String) -> CatalogError {
        .invalidSetting("Line \(record.line) of \(name): \(reason) Nothing was recorded.")
      }
      guard (2...3).contains(fields.count), !fields[0].isEmpty else {
        throw refuse("each line needs a submission id and selected or declined (and may add a note).")
      }
      let decision = fields[1].lowercased()
      guard decision == "selected" || decision == "declined" else {
        throw refuse("\"\(fields[1].prefix(40))\" is not a decision; write selected or declined.")
      }
      let rowNote = fields.count == 3 && !fields[2].isEmpty ? fields[2] : note
      requests.append(
        DecisionRequest(
          id: fields[0], selected: decision == "selected", note: rowNote, origin: "line \(record.line) of \(name)"))
    }
    return requests
  }

  /// A decision to record: for one submission's latest version, with its declarations as they stand.
  private typealias Target = (request: DecisionRequest, submission: Int, version: Int, declarations: Declarations)

  private func record(
    _ targets: [Target], exhibition: Exhibition,
    progress: ((Int, Int) -> Void)?
  ) throws -> DecisionOutcome {
    var outcome = DecisionOutcome()
    let now = Clock.now()
    for (index, target) in targets.enumerated() {
      let decision = target.request.selected ? "selected" : "declined"
      try database.run(
        "INSERT INTO decision (submission_id, decision, note, decided_at, version) VALUES (?, ?, ?, ?, ?)",
        [target.submission, decision, target.request.note, now, target.version])
      var detail: [String: Any] = ["decision": decision, "version": target.version]
      if let note = target.request.note { detail["note"] = note }
      try record("decision", exhibition: exhibition.id, submission: target.submission, detail: detail)
      if target.request.selected {
        outcome.selected.append(target.request.id)
        let reasons = target.declarations.reasonsNotPublishable
        if !reasons.isEmpty { outcome.unpublishable.append(.init(id: target.request.id, reasons: reasons)) }
      } else {
        outcome.declined.append(target.request.id)
      }
      progress?(index + 1, targets.count)
    }
    return outcome
  }
}
