import Basics
import Foundation
import Hashing
import SQLite

/// An archive folder: the SQLite catalog plus the content-addressed store of every file received.
///
/// Layout: `salon.sqlite` (catalog), `store/sha256/ab/abcdef…` (files by SHA-256, never
/// overwritten), `tmp/` (files being written; emptied whenever the archive is opened for writing).
public final class SalonArchive {
  package let root: URL
  package let database: Database
  package static let catalogName = "salon.sqlite"

  package var storeRoot: URL { root.appendingPathComponent("store/sha256", isDirectory: true) }
  package var temporaryRoot: URL { root.appendingPathComponent("tmp", isDirectory: true) }

  private init(root: URL, database: Database) {
    self.root = root
    self.database = database
  }

  /// Whether `folder` holds an archive's catalog.
  package static func exists(at folder: String) -> Bool {
    FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent(catalogName).path)
  }

  /// The archive at `folder` or the nearest folder above it, as git finds its repository.
  package static func locate(from folder: String) -> String? {
    var url = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
    for _ in 0..<256 {
      if exists(at: url.path) { return url.path }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { return nil }
      url = parent
    }
    return nil
  }

  /// Folders just below `folder` that hold an archive, for messages that say where one is.
  package static func archivesBelow(_ folder: String) -> [String] {
    let root = URL(fileURLWithPath: folder, isDirectory: true)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && exists(at: root.appendingPathComponent($0).path) }
      .sorted(by: NaturalOrder.precedes).map { root.appendingPathComponent($0).path }
  }

  /// True when the archive was opened for reading only (its folder or catalog is not writable).
  package private(set) var isReadOnly = false

  /// How many paths this open made owner-only (an archive made before Salon kept archives
  /// private, or opened up by hand since); 0 when everything already was.
  package private(set) var madePrivate = 0

  /// Opens the archive at `path`, creating the folder and catalog if `create` is set. With
  /// `readOnlyIfNeeded` (commands that only read), an archive Salon may not write is opened
  /// for reading instead of refused.
  public static func open(at path: String, create: Bool = false, readOnlyIfNeeded: Bool = false) throws -> SalonArchive
  {
    let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    let catalog = root.appendingPathComponent(catalogName)
    let fileManager = FileManager.default
    var isFolder: ObjCBool = false
    if fileManager.fileExists(atPath: root.path, isDirectory: &isFolder), !isFolder.boolValue {
      throw CatalogError.storage(
        "\(root.path) is a file, not an archive folder; choose a folder with --archive.")
    }
    if !fileManager.fileExists(atPath: catalog.path) {
      guard create else { throw CatalogError.noArchive(path: root.path) }
      try OwnerOnly.makeFolder(root.path)
      try createPrivateCatalog(catalog.path)
    }
    // Before SQLite opens the catalog: it makes the -wal and -shm with the catalog's mode.
    let madePrivate = makePrivate(root: root)
    alignCatalogCompanions(catalog: catalog.path)
    let writable =
      access(root.path, W_OK) == 0 && (access(catalog.path, W_OK) == 0 || !fileManager.fileExists(atPath: catalog.path))
    if readOnlyIfNeeded && !writable && !create {
      let archive = try openForReading(root: root, catalog: catalog)
      archive.madePrivate = madePrivate
      return archive
    }
    guard writable else {
      throw CatalogError.storage(
        "The archive at \(root.path) is read-only; Salon can show it (list, show, verify, standings, log) but not change it."
      )
    }
    let database: Database
    do {
      database = try Database(path: catalog.path)
      try database.migrate()
    } catch let error as DatabaseError {
      throw openingError(error, catalog: catalog)
    }
    let archive = SalonArchive(root: root, database: database)
    // Refused before anything reads it: a damaged row must not look like an empty exhibition.
    try archive.checkIntegrity()
    try OwnerOnly.makeFolder(archive.storeRoot.path)
    try OwnerOnly.makeFolder(archive.temporaryRoot.path)
    try archive.ensureSecret()
    archive.madePrivate = madePrivate
    if madePrivate > 0 { try archive.record("archive-made-private", exhibition: nil, detail: ["paths": madePrivate]) }
    archive.clearTemporaryFiles()
    if try database.queryOne("SELECT 1 AS x FROM pending_file LIMIT 1") != nil { try archive.recoverInterruptedRuns() }
    return archive
  }

  /// What SQLite's refusal to open the catalog means for the organiser.
  private static func openingError(_ error: DatabaseError, catalog: URL) -> CatalogError {
    switch error.kind {
    case .notADatabase: return .notAnArchive(path: catalog.path)
    case .corrupt: return .damagedCatalog(path: catalog.path, reason: "SQLite cannot read part of the file")
    default: return .database(error)
    }
  }

  /// An archive Salon may not write, opened for reading: nothing is created, swept or recovered.
  private static func openForReading(root: URL, catalog: URL) throws -> SalonArchive {
    let database: Database
    do {
      database = try Database(path: catalog.path, readOnly: true)
      let version = try database.queryOne("PRAGMA user_version")?.int("user_version") ?? 0
      if version > migrations.count { throw CatalogError.newerSchema(found: version, supported: migrations.count) }
      if version < migrations.count {
        throw CatalogError.storage(
          "The archive at \(root.path) is read-only and was written by an older Salon; make it writable once so Salon can update it."
        )
      }
    } catch let error as DatabaseError {
      throw openingError(error, catalog: catalog)
    }
    let archive = SalonArchive(root: root, database: database)
    try archive.checkIntegrity()
    archive.isReadOnly = true
    return archive
  }

  // MARK: Integrity

  /// SQLite's `quick_check`, then Salon's own invariants as indexed queries (each stops at the
  /// first bad row). Throws `CatalogError.damagedCatalog` naming what is wrong.
  package func checkIntegrity() throws {
    let path = root.appendingPathComponent(Self.catalogName).path
    do {
      let findings = try database.query("PRAGMA quick_check(3)").compactMap { try $0.optionalString("quick_check") }
      if findings != ["ok"] {
        // SQLite's report spans lines ("*** in database main ***", then each finding): keep the first finding.
        let first = findings.flatMap { $0.split(whereSeparator: \.isNewline) }.first { !$0.hasPrefix("***") }
        throw CatalogError.damagedCatalog(
          path: path, reason: "SQLite finds \"\(first.map { String($0.prefix(120)) } ?? "damage")\"")
      }
      for invariant in Self.invariants {
        if let row = try database.queryOne(invariant.sql) {
          let name = try row.optionalString("name").map { String($0.prefix(80)) } ?? "?"
          throw CatalogError.damagedCatalog(
            path: path, reason: invariant.what.replacingOccurrences(of: "NAME", with: name))
        }
      }
    } catch let error as DatabaseError where error.kind == .corrupt || error.kind == .notADatabase {
      throw CatalogError.damagedCatalog(path: path, reason: "SQLite cannot read part of the file")
    }
  }

  /// Each query returns a row (with `name`) only when the catalog breaks what Salon relies on.
  static let invariants: [(sql: String, what: String)] = {
    func between(_ column: String, _ range: SettingRange, integer: Bool) -> String {
      let type = integer ? "typeof(\(column)) != 'integer'" : "typeof(\(column)) NOT IN ('integer', 'real')"
      return "\(type) OR \(column) NOT BETWEEN \(range.lowest) AND \(range.highest)"
    }
    let exhibitionChecks = [
      "typeof(slug) != 'text' OR slug = '' OR typeof(title) != 'text' OR typeof(prize_currency) != 'text'",
      between("year", .year, integer: true), between("max_zip_bytes", .zipBytes, integer: true),
      between("max_video_seconds", .videoSeconds, integer: false),
      between("max_audio_seconds", .audioSeconds, integer: false),
      between("max_description_pages", .descriptionPages, integer: true),
      between("max_pixels", .pixels, integer: true), between("max_entries", .files, integer: true),
      between("max_unpacked_bytes", .unpackedBytes, integer: true), between("prize_amount", .prize, integer: false),
    ].map { "(\($0))" }.joined(separator: " OR ")
    let criterionChecks = [
      between("weight", .weight, integer: false), between("scale_min", .scaleBound, integer: true),
      between("scale_max", .scaleBound, integer: true), "scale_max <= scale_min",
    ].map { "(\($0))" }.joined(separator: " OR ")
    return [
      (
        "SELECT CAST(id AS TEXT) AS name FROM exhibition WHERE \(exhibitionChecks) LIMIT 1",
        "exhibition row NAME holds a missing or out-of-range setting"
      ),
      (
        """
        SELECT CAST(key AS TEXT) AS name FROM submission s
          WHERE typeof(s.key) != 'text' OR NOT EXISTS (SELECT 1 FROM exhibition e WHERE e.id = s.exhibition_id)
          OR NOT EXISTS (SELECT 1 FROM version v WHERE v.submission_id = s.id) LIMIT 1
        """, "submission NAME belongs to no exhibition or has no version"
      ),
      (
        """
        SELECT key AS name FROM criterion c WHERE \(criterionChecks)
          OR NOT EXISTS (SELECT 1 FROM exhibition e WHERE e.id = c.exhibition_id) LIMIT 1
        """, "the rubric's criterion NAME is out of range or belongs to no exhibition"
      ),
      (
        """
        SELECT CAST(zip_name AS TEXT) AS name FROM version v
          WHERE NOT EXISTS (SELECT 1 FROM submission s WHERE s.id = v.submission_id)
          OR NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = v.zip_sha256) LIMIT 1
        """, "the version received as NAME belongs to no submission or its zip is not in the store"
      ),
      (
        """
        SELECT CAST(path AS TEXT) AS name FROM version_file f
          WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.id = f.version_id)
          OR (f.stored AND NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = f.sha256)
            AND NOT EXISTS (SELECT 1 FROM zip_member m WHERE m.sha256 = f.sha256)) LIMIT 1
        """, "the file NAME belongs to no version or is not in the store"
      ),
      (
        """
        SELECT sha256 AS name FROM zip_member m
          WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = m.zip_sha256) LIMIT 1
        """, "the stored file NAME is addressed inside a zip that is not in the store"
      ),
      (
        """
        SELECT CAST(id AS TEXT) AS name FROM score_change
          WHERE value IS NOT NULL AND (\(between("value", .scaleBound, integer: true))) LIMIT 1
        """, "score change NAME holds a value no scale allows"
      ),
    ]
  }()

  // MARK: Settings

  package func setting(_ key: String) throws -> String? {
    try database.queryOne("SELECT value FROM setting WHERE key = ?", [key])?.string("value")
  }

  /// A per-archive secret (for authentication codes on jurors' sheets), made once.
  private func ensureSecret() throws {
    try database.run(
      "INSERT OR IGNORE INTO setting (key, value) VALUES ('secret', ?)",
      [hexString(try secureRandomBytes(32))])
  }

  // MARK: Events

  /// Appends to the event log; the catalog refuses any later change to it.
  package func record(
    _ kind: String, exhibition: Int?, submission: Int? = nil, actor: String = Actor.current,
    detail: [String: Any] = [:]
  ) throws {
    let json = try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys, .withoutEscapingSlashes])
    try database.run(
      "INSERT INTO event (time, actor, kind, exhibition_id, submission_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
      [Clock.now(), actor, kind, exhibition, submission, String(decoding: json, as: UTF8.self)])
  }
}

extension SalonArchive {
  /// A number that grows with every change to the catalog, by any command: equal readings mean
  /// nothing in the catalog changed between them.
  package func changeCount() throws -> Int {
    try database.queryValue("SELECT count FROM catalog_change WHERE id = 1").int("count")
  }

  /// Records `kind` and returns the catalog's change count just after it, when nothing else
  /// changed the catalog since `since` was read; nil when something did, so that whatever was
  /// read before is known to be out of date.
  package func record(_ kind: String, detail: [String: Any], unchangedSince since: Int) throws -> Int? {
    try database.transaction {
      let before = try changeCount()
      try record(kind, exhibition: nil, detail: detail)
      return before == since ? try changeCount() : nil
    }
  }
}

/// Who is running Salon, for the event log.
package enum Actor {
  package static var current: String {
    // getenv, not ProcessInfo.environment, which copies the whole environment into a dictionary
    // on every call: two thirds of the time of recording 500,000 scores.
    for name in ["SALON_ACTOR", "USER"] {
      if let value = getenv(name) { return String(cString: value) }
    }
    return "organiser"
  }
}

/// Timestamps as ISO 8601 in UTC; `SALON_NOW` fixes the clock for reproducible runs.
/// Formatted by hand from the system clock: an ISO8601DateFormatter (ICU) made for every event
/// was a tenth of an ingest's processor time.
package enum Clock {
  package static func now() -> String {
    if let fixed = getenv("SALON_NOW") { return String(cString: fixed) }
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return format(seconds: Int(time.tv_sec), milliseconds: time.tv_nsec / 1_000_000)
  }

  /// `2026-11-22T05:13:40.123Z`, as ISO8601DateFormatter writes it with fractional seconds.
  static func format(seconds: Int, milliseconds: Int) -> String {
    var t = time_t(seconds)
    var parts = tm()
    gmtime_r(&t, &parts)
    func padded(_ value: Int32, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return
      "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2)).\(padded(Int32(milliseconds), 3))Z"
  }
}
