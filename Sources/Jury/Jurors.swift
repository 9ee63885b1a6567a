import Basics
import Catalog
import Foundation

/// A member of the jury of one exhibition.
public struct Juror: Equatable, Codable, Sendable {
  package var rowID: Int
  /// A short stable id used on sheets and in commands ("ann-lee").
  package var id: String
  package var name: String
  package var email: String?
}

extension Juror {
  init(_ record: JurorRecord) {
    self.init(rowID: record.rowID, id: record.key, name: record.name, email: record.email)
  }
}

/// A juror's score for a work that no longer counts in the standings, and why.
package struct WithdrawnScore: Codable, Equatable, Sendable {
  package var juror: String
  package var submission: String
  /// `conflict` or `juror-removed`.
  package var reason: String
}

/// A juror's id and a work's id together, e.g. the key of a conflict.
struct JurorAndWork: Hashable {
  var juror: String
  var work: String
}

/// A reason a juror may not judge a work: declared by the organiser or found automatically; or,
/// for a `check`, a near miss the organiser should look at, which blocks nothing.
package struct Conflict: Equatable, Codable, Sendable {
  package var juror: String
  package var submission: String
  package var reason: String
  package var automatic: Bool
  package var check: Bool = false

  /// `declared`, `automatic` or `check`.
  package var kind: String { check ? "check" : automatic ? "automatic" : "declared" }

  enum CodingKeys: String, CodingKey { case juror, submission, reason, automatic, check, kind }

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    juror = try c.decode(String.self, forKey: .juror)
    submission = try c.decode(String.self, forKey: .submission)
    reason = try c.decode(String.self, forKey: .reason)
    automatic = try c.decode(Bool.self, forKey: .automatic)
    check = try c.decodeIfPresent(Bool.self, forKey: .check) ?? false
  }

  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(juror, forKey: .juror)
    try c.encode(submission, forKey: .submission)
    try c.encode(reason, forKey: .reason)
    try c.encode(automatic, forKey: .automatic)
    try c.encode(kind, forKey: .kind)
  }

  init(juror: String, submission: String, reason: String, automatic: Bool, check: Bool = false) {
    self.juror = juror
    self.submission = submission
    self.reason = reason
    self.automatic = automatic
    self.check = check
  }
}

/// What declaring a conflict did.
package struct DeclaredConflict: Equatable, Sendable {
  package var juror: Juror
  package var submission: String
  /// The juror's scores for the work that no longer count (the history keeps them), by criterion.
  package var withdrawn: [String: Int]
}

/// What removing a juror did.
package struct RemovedJuror: Equatable, Sendable {
  package var juror: Juror
  /// Works whose scores by this juror leave the standings (the history keeps them).
  package var withdrawnWorks: [String]
  package var withdrawnAssignments: Int
}

/// The jury of one exhibition: its rubric, jurors, conflicts, assignments and scores.
public final class Jury {
  package let archive: SalonArchive
  package let exhibition: Exhibition

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

  /// The jury as it stands: removed jurors are left out.
  package func jurors() throws -> [Juror] {
    try archive.jurorRecords(exhibition: exhibition.id).filter { $0.removal == nil }.map(Juror.init)
  }

  /// Removes a juror from the jury: assignments without scores are withdrawn, scores leave the
  /// standings, and the history keeps everything. Recorded with the reason.
  @discardableResult
  package func removeJuror(_ reference: String, reason: String?) throws -> RemovedJuror {
    let juror = try juror(reference)
    let reason = reason ?? "removed by the organiser"
    return try archive.transaction {
      let before = try assignmentPairs().filter { $0.juror == juror.rowID }
      let works = Dictionary(uniqueKeysWithValues: try archive.works(exhibition: exhibition).map { ($0.rowID, $0.id) })
      let scored = try currentScores().filter { $0.pair.juror == juror.rowID && !$0.values.isEmpty }
        .compactMap { works[$0.pair.work] }.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
      try archive.removeJuror(juror.rowID, reason: reason)
      let after = try assignmentPairs().filter { $0.juror == juror.rowID }
      try archive.record(
        "juror-removed", exhibition: exhibition.id,
        detail: ["juror": juror.id, "reason": reason, "withdrawnScores": scored])
      return RemovedJuror(juror: juror, withdrawnWorks: scored, withdrawnAssignments: before.count - after.count)
    }
  }

  /// A juror by id, name (any case) or email.
  package func juror(_ reference: String) throws -> Juror {
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

  /// Declares a conflict; scores the juror already gave the work stop counting at once (the
  /// history keeps them). Recorded with the reason.
  @discardableResult
  package func declareConflict(juror reference: String, submission: String, reason: String?) throws -> DeclaredConflict
  {
    let juror = try juror(reference)
    let work = try archive.submissionRowID(exhibition: exhibition, key: submission)
    let pair = JurorWork(juror: juror.rowID, work: work)
    return try archive.transaction {
      let withdrawn = try archive.latestScore(pair, round: workingRound()?.record.rowID)?.values ?? [:]
      try archive.declareConflict(pair, reason: reason ?? "declared by the organiser")
      var detail: [String: Any] = ["juror": juror.id, "reason": reason ?? "declared by the organiser"]
      if !withdrawn.isEmpty { detail["withdrawnScores"] = withdrawn }
      try archive.record("conflict", exhibition: exhibition.id, submission: work, detail: detail)
      return DeclaredConflict(juror: juror, submission: submission, withdrawn: withdrawn)
    }
  }

  /// Declared conflicts plus those found automatically: a juror whose name or email matches a
  /// work's artist or contact. With `checks`, near misses (same surname, another first name) too,
  /// which block nothing.
  package func conflicts(works: [Work]? = nil, checks: Bool = false) throws -> [Conflict] {
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
    // Each work's people and contacts are read once, and looked up in an index of the jurors'
    // names, emails and surnames: only a juror who shares one with the work is compared in full,
    // so the cost grows with the works, not with works × jurors.
    let read = jurors.map { ($0, ReadJuror($0)) }
    var byKey: [String: Set<Int>] = [:]
    for (index, (_, own)) in read.enumerated() {
      for name in own.names { byKey["n " + name, default: []].insert(index) }
      if let email = own.email { byKey["e " + email, default: []].insert(index) }
      if checks {
        for name in own.names where name.contains(" ") { byKey["s " + Self.surname(name), default: []].insert(index) }
        for name in own.skeletons { byKey["k " + name, default: []].insert(index) }
        for email in own.emailChecks { byKey["m " + email, default: []].insert(index) }
      }
    }
    for work in works {
      let contact = ReadContact(work.declarations, checks: checks)
      var candidates = Set<Int>()
      for email in contact.emails.keys { candidates.formUnion(byKey["e " + email] ?? []) }
      if checks {
        for email in contact.emailChecks.keys { candidates.formUnion(byKey["m " + email] ?? []) }
      }
      for person in contact.people {
        for name in person.names {
          candidates.formUnion(byKey["n " + name] ?? [])
          if checks, name.contains(" ") { candidates.formUnion(byKey["s " + Self.surname(name)] ?? []) }
        }
        if checks { for name in person.skeletons { candidates.formUnion(byKey["k " + name] ?? []) } }
      }
      for index in candidates.sorted() {
        let (juror, own) = read[index]
        guard !seen.contains(JurorAndWork(juror: juror.id, work: work.id)) else { continue }
        if let reason = Self.automaticConflict(own, contact) {
          result.append(Conflict(juror: juror.id, submission: work.id, reason: reason, automatic: true))
        } else if checks, let reason = Self.nearMiss(own, contact) {
          result.append(Conflict(juror: juror.id, submission: work.id, reason: reason, automatic: true, check: true))
        }
      }
    }
    return result.sorted { ($0.juror, $0.submission) < ($1.juror, $1.submission) }
  }

  /// A work's artists and contact emails, read once, as `LookAlike` compares them.
  struct ReadContact {
    var people: [Person]
    /// Comparable address (no `+tag`, look-alikes folded) → the address as written.
    var emails: [String: String]
    /// Gmail mailboxes and ASCII skeletons of the addresses → as written: only ever a check.
    var emailChecks: [String: String]
    /// Without `checks`, the readings only checks use are not made (assignment reads every work).
    init(_ d: Declarations, checks: Bool = true) {
      people = Jury.people(in: d.artists ?? "", skeletons: checks)
      emails = Jury.emails(in: d.email ?? "")
      emailChecks = checks ? Jury.emailChecks(emails) : [:]
    }
  }

  /// One person a form names: as written, their names folded, and the names' skeletons.
  struct Person {
    var written: String
    var names: [String]
    var skeletons: Set<String>
  }

  /// A juror's name and email as compared.
  struct ReadJuror {
    var name: String
    var names: Set<String>
    var skeletons: Set<String>
    var email: String?
    var emailChecks: Set<String>
    init(_ juror: Juror) {
      name = Jury.comparableName(juror.name)
      let people = Jury.people(in: juror.name)
      names = Set(Jury.fullest(people.flatMap(\.names)))
      skeletons = Set(Jury.fullest(people.flatMap(\.skeletons)))
      email = juror.email.map(LookAlike.email).flatMap { $0.isEmpty ? nil : $0 }
      emailChecks = Set(email.map { Jury.emailChecks([$0: $0]).keys.map { $0 } } ?? [])
    }
  }

  static func automaticConflict(juror: Juror, work: Work) -> String? {
    automaticConflict(ReadJuror(juror), ReadContact(work.declarations))
  }

  static func automaticConflict(_ juror: ReadJuror, _ work: ReadContact) -> String? {
    if let email = juror.email, let written = work.emails[email] {
      let hidden = LookAlike.disguises(written)
      if !hidden.isEmpty {
        return
          "the juror's email matches the work's contact \"\(written)\", written with \(hidden.joined(separator: ", "))"
      }
      let tagged = written.contains("+") && !email.contains("+")
      return "the juror's email matches the work's contact"
        + (tagged ? " \"\(written)\" (the same mailbox without its +tag)" : "")
    }
    for person in work.people where person.names.contains(where: juror.names.contains) {
      let hidden = LookAlike.disguises(person.written)
      if !hidden.isEmpty {
        return
          "the juror's name matches an artist of the work (\"\(person.written)\", written with \(hidden.joined(separator: ", ")))"
      }
      let plain = comparableName(person.written) == juror.name
      return "the juror's name matches an artist of the work" + (plain ? "" : " (\"\(person.written)\")")
    }
    return nil
  }

  /// Same surname, another first name; a name or address that only looks the same (ASCII look-
  /// alikes such as "rn" for "m", dots in a Gmail address): listed for the organiser to check,
  /// never blocking.
  static func nearMiss(_ juror: ReadJuror, _ work: ReadContact) -> String? {
    for (mailbox, written) in work.emailChecks.sorted(by: { $0.key < $1.key }) where juror.emailChecks.contains(mailbox)
    {
      return
        "check: the juror's email and the work's contact \"\(written)\" may reach the same mailbox (Gmail ignores dots and reads googlemail.com as gmail.com; or the addresses only look alike)"
    }
    for person in work.people where !person.skeletons.isDisjoint(with: juror.skeletons) {
      return "check: the artist \"\(person.written)\" is written with characters that look like the juror's name"
    }
    let mine = juror.names.filter { $0.contains(" ") }
    for person in work.people {
      for name in person.names where name.contains(" ") {
        for own in mine where Self.surname(own) == Self.surname(name) && own != name {
          return "check: the juror shares a surname with the artist \"\(person.written)\" (a different first name)"
        }
      }
    }
    return nil
  }

  static func surname(_ comparable: String) -> Substring { comparable.split(separator: " ").last ?? "" }

  /// The people a form's artists field names, each with the ways Salon reads their name:
  /// "Mara Ilves (Estonian Academy of Arts)", "Mara Ilves, Estonian Academy of Arts" and
  /// "Ilves, Mara" all read as "mara ilves". Only these rules apply; nothing fuzzier.
  static func people(in text: String, skeletons: Bool = true) -> [Person] {
    var result: [Person] = []
    // NFKC and no format characters first, so a full-width comma or a zero-width space in " and "
    // separates people as the plain ones do.
    let normal = LookAlike.normalised(text)
    let entries = withoutParentheses(normal).replacingOccurrences(of: " and ", with: ";")
      .replacingOccurrences(of: "&", with: ";").split(whereSeparator: { ";\n".contains($0) })
    let writtenEntries = text.replacingOccurrences(of: " and ", with: ";").replacingOccurrences(of: "&", with: ";")
      .split(whereSeparator: { ";\n".contains($0) })
    for (index, entry) in entries.enumerated() {
      let pieces = entry.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      let names = readings(of: pieces, comparableName)
      let written =
        index < writtenEntries.count && writtenEntries.count == entries.count
        ? writtenEntries[index].trimmingCharacters(in: .whitespaces) : entry.trimmingCharacters(in: .whitespaces)
      if !names.isEmpty {
        let looks = skeletons ? Set(readings(of: pieces, skeletonName)) : []
        result.append(Person(written: written, names: names, skeletons: looks))
      }
    }
    return result
  }

  /// Each piece of an entry read one way, plus "Ilves, Mara" (a short surname then a short given
  /// name) read the other way round.
  static func readings(of pieces: [String], _ read: (String) -> String) -> [String] {
    let read = pieces.map(read)
    var names = read
    for i in read.indices.dropLast() {
      let (a, b) = (read[i], read[i + 1])
      if (1...2).contains(a.split(separator: " ").count) && (1...2).contains(b.split(separator: " ").count) {
        names.append(b + " " + a)
      }
    }
    return names.filter { !$0.isEmpty }
  }

  /// A juror's own name read the same way; a one-word reading is dropped when a fuller one exists.
  static func jurorNames(_ name: String) -> [String] {
    fullest(people(in: name).flatMap(\.names))
  }

  static func fullest(_ names: [String]) -> [String] {
    let full = names.filter { $0.contains(" ") }
    return full.isEmpty ? names : full
  }

  /// "Mara Ilves (EKA)" → "Mara Ilves ": affiliations in parentheses or brackets are not names.
  static func withoutParentheses(_ text: String) -> String {
    var out = ""
    var depth = 0
    for c in text {
      if c == "(" || c == "[" {
        depth += 1
      } else if c == ")" || c == "]" {
        depth = max(0, depth - 1)
      } else if depth == 0 {
        out.append(c)
      }
    }
    return out
  }

  /// Contact addresses: comparable (see `LookAlike.email`) → as written.
  static func emails(in text: String) -> [String: String] {
    var result: [String: String] = [:]
    for piece in text.split(whereSeparator: { ",; \t\n<>".contains($0) }) {
      let comparable = LookAlike.email(String(piece))
      if !comparable.isEmpty, result[comparable] == nil { result[comparable] = String(piece) }
    }
    return result
  }

  /// The readings of addresses that only earn a check: the Gmail mailbox and the full skeleton.
  static func emailChecks(_ emails: [String: String]) -> [String: String] {
    var result: [String: String] = [:]
    for (comparable, written) in emails {
      if let mailbox = LookAlike.gmailMailbox(comparable) { result["gmail " + mailbox] = written }
      result["skeleton " + LookAlike.skeleton(comparable)] = written
    }
    return result
  }

  /// A name as conflicts compare it: look-alikes and invisible characters folded, words only.
  static func comparableName(_ name: String) -> String {
    LookAlike.folded(name).split(whereSeparator: { !$0.isLetter }).joined(separator: " ")
  }

  /// A name's skeleton: "rnara" for "Mara", "ada okafor" for "Ada 0kafor".
  static func skeletonName(_ name: String) -> String {
    LookAlike.skeleton(name).split(whereSeparator: { !$0.isLetter }).joined(separator: " ")
  }
}
