import Catalog
import Foundation
import SQLite

/// A member of the jury of one exhibition.
public struct Juror: Equatable, Codable, Sendable {
  public var rowID: Int
  /// A short stable id used on sheets and in commands ("ann-lee").
  public var id: String
  public var name: String
  public var email: String?
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
  var database: Database { archive.database }

  public init(archive: SalonArchive, exhibition: Exhibition) {
    self.archive = archive
    self.exhibition = exhibition
  }

  // MARK: Jurors

  @discardableResult
  public func addJuror(name: String, email: String?) throws -> Juror {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw JuryError.invalidScore("A juror needs a name.") }
    return try database.transaction {
      if try jurors().contains(where: { $0.name.caseInsensitiveCompare(trimmed) == .orderedSame }) {
        throw JuryError.jurorExists(trimmed)
      }
      var key = Self.key(for: trimmed)
      var suffix = 2
      while try database.queryOne("SELECT 1 AS x FROM juror WHERE exhibition_id = ? AND key = ?", [exhibition.id, key])
        != nil
      {
        key = Self.key(for: trimmed) + "-\(suffix)"
        suffix += 1
      }
      try database.run(
        "INSERT INTO juror (exhibition_id, key, name, email, created_at) VALUES (?, ?, ?, ?, ?)",
        [exhibition.id, key, trimmed, email, Clock.now()])
      let juror = Juror(rowID: database.lastInsertRowID, id: key, name: trimmed, email: email)
      try archive.record("juror-added", exhibition: exhibition.id, detail: ["juror": key])
      return juror
    }
  }

  static func key(for name: String) -> String {
    let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    var key = ""
    for c in folded {
      if c.isASCII && (c.isLetter || c.isNumber) {
        key.append(c)
      } else if !key.isEmpty && !key.hasSuffix("-") {
        key.append("-")
      }
    }
    while key.hasSuffix("-") { key.removeLast() }
    return key.isEmpty ? "juror" : key
  }

  public func jurors() throws -> [Juror] {
    try database.query("SELECT * FROM juror WHERE exhibition_id = ? ORDER BY id", [exhibition.id]).map {
      Juror(
        rowID: $0.int("id") ?? 0, id: $0.string("key") ?? "", name: $0.string("name") ?? "", email: $0.string("email"))
    }
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
    try database.transaction {
      try database.run(
        "INSERT OR REPLACE INTO conflict (juror_id, submission_id, reason, created_at) VALUES (?, ?, ?, ?)",
        [juror.rowID, work, reason ?? "declared by the organiser", Clock.now()])
      // An assignment without scores goes; one with scores stays visible but cannot be scored.
      try database.run(
        """
        DELETE FROM assignment WHERE juror_id = ? AND submission_id = ?
          AND NOT EXISTS (SELECT 1 FROM score_change WHERE juror_id = ? AND submission_id = ?)
        """, [juror.rowID, work, juror.rowID, work])
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
    var seen = Set<String>()
    for row in try database.query(
      "SELECT c.* FROM conflict c JOIN juror j ON j.id = c.juror_id WHERE j.exhibition_id = ?", [exhibition.id])
    {
      guard let juror = byRow[row.int("juror_id") ?? -1], let work = workByRow[row.int("submission_id") ?? -1] else {
        continue
      }
      result.append(
        Conflict(juror: juror.id, submission: work.id, reason: row.string("reason") ?? "", automatic: false))
      seen.insert(juror.id + "\u{0}" + work.id)
    }
    for juror in jurors {
      for work in works where !seen.contains(juror.id + "\u{0}" + work.id) {
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
