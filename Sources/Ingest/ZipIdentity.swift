import Catalog
import Foundation

/// Which submission a zip belongs to: the rule the README's "How Salon decides which submission
/// a zip belongs to" states as a table. Zips sent by artists carry names the artists chose, so a
/// name, or a number in it, never makes a zip a new version of someone else's work: only the
/// form row whose own file column names the zip, or the organiser's `--id`, does. Anything else
/// that meets a submission already there is kept apart under an id of its own, flagged.
extension Ingester {
  /// Where a zip goes, and what the report says about how that was decided.
  struct Claim {
    var key: String
    var declarations: Declarations?
    var notes: [Finding] = []
    /// Why there are no declarations, when a form row was found but is not this zip's.
    var withoutDeclarations: String?
    var correction: (version: Int, form: String)?
  }

  enum ClaimOutcome {
    case settled(Step)
    case claim(Claim)
  }

  func claimFor(zipName: String, zipSHA256: String?, asVersionOf id: String?, claims: Claims) throws -> ClaimOutcome {
    let match = form?.match(forZipNamed: zipName)
    // A row found by the zip's name that names another file is that file's row, never this zip's.
    let rowNamesOtherFile =
      match.map { !$0.namesThisZip && $0.row.values[.file] != nil && !FormExport.row($0.row, names: zipName) }
      ?? false
    let row = rowNamesOtherFile ? nil : match?.row
    let rowID = row?.values[.id]
    let nameKey = submissionKey(zipName: zipName, row: nil)
    var key = id ?? match?.row.values[.id] ?? nameKey
    if !claims.isEmpty {
      if claims.keys.contains(key) || claims.keys.contains(nameKey) || zipSHA256.map(claims.zips.contains) == true {
        return .settled(.waitForBatch)
      }
    }
    let held = try zipSHA256.flatMap { try archive.versionHolding(exhibition: exhibition, zipSHA256: $0) }
    if !claims.isEmpty, let held, claims.keys.contains(held.key) { return .settled(.waitForBatch) }
    var claim = Claim(key: key, declarations: row.map(FormExport.declarations(from:)))

    // The same bytes again: the submission that holds them, never a new version of itself
    // (unless the organiser's --id asks for an earlier version back as the newest).
    if let held, id == nil || (id == held.key && held.number == held.latest) {
      if held.number < held.latest {
        // An earlier version sent again: already archived, and the newer version stays current.
        return .settled(
          .done(
            SubmissionReport(
              id: held.key, zip: zipName, status: held.status, problems: [], warnings: [], files: [],
              change: RecordOutcome.unchanged.rawValue, version: held.number)))
      }
      claim.key = held.key
      let existing = try archive.submissionReportIfAny(exhibition: exhibition, id: held.key)
      let keptApartFrom = Self.keptApartFrom(held.key)
      if let rowID, rowID != held.key, rowID != keptApartFrom {
        claim.notes.append(
          Finding(
            .formRowDisagrees,
            "Line \(row?.line ?? 0) of the form export gives this zip the id \(rowID), but the archive already holds it as submission \(held.key), which stays as it is."
          ))
        claim.declarations = nil
      }
      if let keptApartFrom, let first = try archive.submissionReportIfAny(exhibition: exhibition, id: keptApartFrom) {
        // A zip kept apart is still kept apart, and still says why.
        claim.notes.append(conflictNote(key: keptApartFrom, existing: first, provisional: held.key))
      }
      if claim.declarations == nil {
        claim.declarations = existing?.hasDeclarations == true ? existing?.declarations : nil
      } else {
        claim.correction = (held.number, "line \(row?.line ?? 0) of the form export")
      }
      return .claim(claim)
    }

    if let id {
      guard let existing = try archive.submissionReportIfAny(exhibition: exhibition, id: id) else {
        throw CatalogError.unknownSubmission(id: id)
      }
      claim.key = id
      if let rowID, rowID != id {
        claim.notes.append(
          Finding(
            .formRowDisagrees,
            "Line \(row?.line ?? 0) of the form export is submission \(rowID)'s, not \(id)'s, so its declarations are not used for this version."
          ))
        claim.declarations = nil
      }
      claim.notes += newVersionNotes(existing, declarations: &claim.declarations, row: row)
      return .claim(claim)
    }

    if rowNamesOtherFile, let other = match?.row {
      // The zip's name points at a form row that names another file: kept apart from that id.
      let base = other.values[.id] ?? nameKey
      let provisional = try provisionalKey(for: base)
      if claims.keys.contains(provisional) { return .settled(.waitForBatch) }
      claim.key = provisional
      claim.declarations = nil
      claim.withoutDeclarations =
        "The form's row for \(base) names another file, so this submission has no declarations."
      claim.notes.append(
        Finding(
          .idConflict,
          "Line \(other.line) of the form export gives id \(base) to the file \(other.values[.file] ?? ""), not to \(zipName), so this zip is kept apart as \(provisional); if it is in fact submission \(base)'s work, run `salon submissions merge \(provisional) --into \(base)`."
        ))
      claim.notes.append(
        Finding(.formRowDisagrees, "The zip's name says submission \(base), but its form row names another file."))
      return .claim(claim)
    }

    key = rowID ?? nameKey
    claim.key = key
    if let rowID, match?.namesThisZip == true, nameKey.lowercased() != rowID.lowercased(),
      try form?.hasRow(id: nameKey) == true || archive.hasSubmission(exhibition: exhibition, id: nameKey)
    {
      // The zip is named like another submission, but the form's own file column says whose it is.
      claim.notes.append(
        Finding(
          .formRowDisagrees,
          "The zip's name is submission \(nameKey)'s id, but line \(row?.line ?? 0) of the form export names it as the file of submission \(rowID); it is ingested as \(rowID)."
        ))
    }
    guard let existing = try archive.submissionReportIfAny(exhibition: exhibition, id: key) else {
      return .claim(claim)
    }
    let namedByForm = match?.namesThisZip == true && row != nil
    let differ = namedByForm && !sameArtists(existing, claim.declarations)
    if namedByForm && !differ {
      claim.notes += newVersionNotes(existing, declarations: &claim.declarations, row: row)
      return .claim(claim)
    }
    // Never a silent "version 2" of someone else's work: kept apart until the organiser decides.
    let provisional = try provisionalKey(for: key)
    if claims.keys.contains(provisional) { return .settled(.waitForBatch) }
    claim.key = provisional
    claim.notes.append(conflictNote(key: key, existing: existing, provisional: provisional))
    if differ {
      claim.notes.append(
        Finding(
          .artistsDiffer,
          "Line \(row?.line ?? 0) of the form export names this zip as a new version of \(key), but by \(claim.declarations?.artists ?? "other artists") where version \(existing.version ?? 1) is by \(existing.declarations?.artists ?? "someone else")."
        ))
    }
    return .claim(claim)
  }

  func conflictNote(key: String, existing: SubmissionReport, provisional: String) -> Finding {
    Finding(
      .idConflict,
      "Submission \(key) already holds another zip (\(existing.zip)\(existing.declarations?.artists.map { ", by \($0)" } ?? "")), so this one is kept apart as \(provisional); if it is in fact a new version of \(key), run `salon submissions merge \(provisional) --into \(key)`."
    )
  }

  /// Whether a new version's declared artists (or, without artists, contact) are the previous
  /// version's, compared without case, spacing or compatibility differences; true when either
  /// side declares none, as there is nothing to compare.
  func sameArtists(_ existing: SubmissionReport, _ declarations: Declarations?) -> Bool {
    guard existing.hasDeclarations == true, let previous = existing.declarations, let declarations else {
      return true
    }
    func folded(_ text: String?) -> String? {
      guard let text else { return nil }
      let words = text.precomposedStringWithCompatibilityMapping.lowercased().split(whereSeparator: \.isWhitespace)
      return words.isEmpty ? nil : words.joined(separator: " ")
    }
    if let a = folded(previous.artists), let b = folded(declarations.artists) { return a == b }
    if let a = folded(previous.email), let b = folded(declarations.email) { return a == b }
    return true
  }

  /// What a new version of `existing` says: the declarations it keeps or replaces, and that the
  /// decision on the previous version does not carry over.
  func newVersionNotes(_ existing: SubmissionReport, declarations: inout Declarations?, row: FormExport.Row?)
    -> [Finding]
  {
    var notes = carryDeclarations(from: existing, into: &declarations, row: row)
    if let decision = existing.decision {
      notes.append(
        Finding(
          .decisionCleared,
          "Version \(existing.version ?? 1) was \(decision); this new version waits for your decision (`salon submissions decide \(existing.id) selected|declined`)."
        ))
    }
    return notes
  }

  /// A new version keeps the previous declarations unless a form row gives new ones; says which.
  func carryDeclarations(from existing: SubmissionReport, into declarations: inout Declarations?, row: FormExport.Row?)
    -> [Finding]
  {
    guard existing.hasDeclarations == true, let previous = existing.declarations else { return [] }
    let number = existing.version ?? 1
    guard let given = declarations else {
      declarations = previous
      return [
        Finding(
          .declarationsKept,
          "No row of the form export matches this zip, so this new version keeps the declarations of version \(number)."
        )
      ]
    }
    guard given != previous else { return [] }
    return [
      Finding(
        .declarationsReplaced,
        "Line \(row?.line ?? 0) of the form export gives this new version declarations that replace those of version \(number)."
      )
    ]
  }

  /// `7` for `7-conflict-2`: the id a zip kept apart was kept apart from; nil for any other id.
  static func keptApartFrom(_ key: String) -> String? {
    guard let range = key.range(of: #"-conflict-[0-9]+$"#, options: .regularExpression) else { return nil }
    return String(key[..<range.lowerBound])
  }

  /// `7-conflict-1`, `7-conflict-2`…: the first id no submission holds. Stable (a zip keeps the
  /// id it was given; the same bytes again find it by their SHA-256) and as URL-safe as `key`.
  func provisionalKey(for key: String) throws -> String {
    for n in 1...10_000 {
      let candidate = "\(key)-conflict-\(n)"
      if try archive.submissionReportIfAny(exhibition: exhibition, id: candidate) == nil { return candidate }
    }
    return "\(key)-conflict-\(UUID().uuidString.prefix(8).lowercased())"
  }

  /// The submission's id: the form's id when a row matches, else the zip's name without `.zip`.
  func submissionKey(zipName: String, row: FormExport.Row?) -> String {
    if let id = row?.values[.id] { return id }
    let trimmed = zipName.trimmingCharacters(in: .whitespaces)
    return trimmed.lowercased().hasSuffix(".zip") ? String(trimmed.dropLast(4)) : trimmed
  }

  /// Records declarations that correct those of the latest version, without a new version.
  func recordCorrection(
    _ correction: (version: Int, form: String), key: String, declarations: Declarations?, into verdict: inout Verdict
  ) throws -> (RecordOutcome, Int) {
    guard let declarations else { return (.unchanged, correction.version) }
    let changed = try archive.correctDeclarations(
      exhibition: exhibition, key: key, declarations: declarations, source: "form")
    guard !changed.isEmpty else { return (.unchanged, correction.version) }
    verdict.warnings.append(
      Finding(
        .declarationsCorrected,
        "This zip is already version \(correction.version) of \(key); \(correction.form) corrects its declarations (\(changed.joined(separator: ", "))) without a new version, so scores and the decision stand."
      ))
    return (.declarationsCorrected, correction.version)
  }
}
