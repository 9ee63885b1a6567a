import Catalog
import Foundation

/// A member of the jury of one exhibition.
public struct Juror: Equatable, Codable, Sendable {
  public var rowID: Int
  /// A short stable id used on sheets and in commands ("ann-lee").
  public var id: String
  public var name: String
  public var email: String?
}

extension Juror {
  init(_ record: JurorRecord) {
    self.init(rowID: record.rowID, id: record.key, name: record.name, email: record.email)
  }
}

/// A juror's id and a work's id together, e.g. the key of a conflict.
struct JurorAndWork: Hashable {
  var juror: String
  var work: String
}

/// A reason a juror may not judge a work: declared by the organiser or found automatically.
public struct Conflict: Equatable, Codable, Sendable {
  public var juror: String
  public var submission: String
  public var reason: String
  public var automatic: Bool
}

/// The jury of one exhibition: its rubric, jurors, conflicts, assignments and scores.
public final class Jury {
  public let archive: SalonArchive
  public let exhibition: Exhibition

  public init(archive: SalonArchive, exhibition: Exhibition) {
    self.archive = archive
    self.exhibition = exhibition
  }

  // MARK: Jurors

  @discardableResult
  public func addJuror(name: String, email: String?) throws -> Juror {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw JuryError.invalidScore("A juror needs a name.") }
    return try archive.transaction {
      if try jurors().contains(where: { $0.name.caseInsensitiveCompare(trimmed) == .orderedSame }) {
        throw JuryError.jurorExists(trimmed)
      }
      let base = Self.key(for: trimmed)
      var key = base
      var suffix = 2
      while try archive.jurorKeyExists(exhibition: exhibition.id, key: key) {
        key = base + "-\(suffix)"
        suffix += 1
      }
      let row = try archive.insertJuror(exhibition: exhibition.id, key: key, name: trimmed, email: email)
      let juror = Juror(rowID: row, id: key, name: trimmed, email: email)
      try archive.record("juror-added", exhibition: exhibition.id, detail: ["juror": key])
      return juror
    }
  }

  /// A juror's id from the name: "Ann Lée" → "ann-lee".
  static func key(for name: String) -> String { Slug.make(name, fallback: "juror") }

  public func jurors() throws -> [Juror] {
    try archive.jurorRecords(exhibition: exhibition.id).map(Juror.init)
  }

  /// A juror by id, name (any case) or email.
  public func juror(_ reference: String) throws -> Juror {
    let all = try jurors()
    if let match = all.first(where: { $0.id == reference })
      ?? all.first(where: { $0.name.caseInsensitiveCompare(reference) == .orderedSame })
      ?? all.first(where: { $0.email?.caseInsensitiveCompare(reference) == .orderedSame })
    {
      return match
    }
    throw JuryError.unknownJuror(reference)
  }

  // MARK: Conflicts

  public func declareConflict(juror reference: String, submission: String, reason: String?) throws {
    let juror = try juror(reference)
    let work = try archive.submissionRowID(exhibition: exhibition, key: submission)
    try archive.transaction {
      try archive.declareConflict(
        JurorWork(juror: juror.rowID, work: work), reason: reason ?? "declared by the organiser")
      try archive.record(
        "conflict", exhibition: exhibition.id, submission: work,
        detail: ["juror": juror.id, "reason": reason ?? "declared by the organiser"])
    }
  }

  /// Declared conflicts plus those found automatically: a juror whose name or email matches a
  /// work's artist or contact.
  public func conflicts(works: [Work]? = nil) throws -> [Conflict] {
    let jurors = try jurors()
    let byRow = Dictionary(uniqueKeysWithValues: jurors.map { ($0.rowID, $0) })
    let works = try works ?? archive.works(exhibition: exhibition)
    let workByRow = Dictionary(uniqueKeysWithValues: works.map { ($0.rowID, $0) })
    var result: [Conflict] = []
    var seen = Set<JurorAndWork>()
    for declared in try archive.conflictRecords(exhibition: exhibition.id) {
      guard let juror = byRow[declared.pair.juror], let work = workByRow[declared.pair.work] else { continue }
      result.append(Conflict(juror: juror.id, submission: work.id, reason: declared.reason, automatic: false))
      seen.insert(JurorAndWork(juror: juror.id, work: work.id))
    }
    for juror in jurors {
      for work in works where !seen.contains(JurorAndWork(juror: juror.id, work: work.id)) {
        if let reason = Self.automaticConflict(juror: juror, work: work) {
          result.append(Conflict(juror: juror.id, submission: work.id, reason: reason, automatic: true))
        }
      }
    }
    return result.sorted { ($0.juror, $0.submission) < ($1.juror, $1.submission) }
  }

  static func automaticConflict(juror: Juror, work: Work) -> String? {
    let d = work.declarations
    if let email = juror.email?.lowercased(), !email.isEmpty,
      let contacts = d.email?.lowercased(), splitList(contacts).contains(email)
    {
      return "the juror's email matches the work's contact"
    }
    let name = comparableName(juror.name)
    if !name.isEmpty, let artists = d.artists, splitList(artists).map(comparableName).contains(name) {
      return "the juror's name matches an artist of the work"
    }
    return nil
  }

  /// "Ann Lee, Bo Chen & Cy" → ["Ann Lee", "Bo Chen", "Cy"].
  static func splitList(_ text: String) -> [String] {
    text.replacingOccurrences(of: " and ", with: ",").replacingOccurrences(of: "&", with: ",")
      .split(whereSeparator: { ",;\n".contains($0) })
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  static func comparableName(_ name: String) -> String {
    name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
      .split(whereSeparator: { !$0.isLetter }).joined(separator: " ")
  }
}
