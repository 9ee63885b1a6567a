import Catalog
import Foundation
import SQLite
import Testing

@testable import Jury

@Suite struct AppendOnlyTests {
  /// REPLACE deletes the old row without firing delete triggers, so each table of the record
  /// must refuse an insert over an existing key itself.
  @Test func noRowOfTheRecordCanBeReplacedEvenWithSQL() throws {
    let f = JuryFixture(works: 2)
    try f.t.archive.decide(exhibition: f.t.exhibition, id: "1", selected: true, note: nil)
    try f.jury.addJuror(name: "Ann", email: nil)
    _ = try f.jury.assign(perWork: nil, seed: 1)
    try f.score("ann", "1", 5, 5, comment: "Fine")
    try f.score("ann", "2", 6, 6)
    try f.jury.award(["1"], amount: nil, note: nil, force: false)
    let database = f.t.archive.database
    // Each table with a column that is not part of its key, for the upsert to change.
    let tables = [
      ("event", "actor"), ("version", "zip_name"), ("blob", "size"), ("decision", "note"),
      ("score_change", "value"), ("comment_change", "comment"), ("prize_round", "note"), ("prize_winner", "amount"),
    ]
    for (table, column) in tables {
      let before = try database.query("SELECT * FROM \(table) ORDER BY rowid").map(\.columns)
      #expect(!before.isEmpty, "\(table) has rows to replace")
      for sql in [
        "INSERT OR REPLACE INTO \(table) SELECT * FROM \(table)",
        "REPLACE INTO \(table) SELECT * FROM \(table)",
        "INSERT INTO \(table) SELECT * FROM \(table) WHERE true ON CONFLICT DO UPDATE SET \(column) = excluded.\(column)",
        "INSERT INTO \(table) SELECT * FROM \(table) WHERE true ON CONFLICT DO NOTHING",
      ] {
        let error = #expect(throws: DatabaseError.self, "\(sql)") { try database.execute(sql) }
        #expect(error?.kind == .constraint, "\(sql)")
        #expect(error?.sql == sql)
      }
      #expect(try database.query("SELECT * FROM \(table) ORDER BY rowid").map(\.columns) == before, "\(table)")
    }
    // A replacement with different content, by explicit key, is refused too.
    #expect(throws: DatabaseError.self) {
      try database.execute(
        "INSERT OR REPLACE INTO event (id, time, actor, kind, detail) SELECT id, time, 'mallory', kind, detail FROM event LIMIT 1"
      )
    }
    #expect(try database.query("SELECT 1 AS x FROM event WHERE actor = 'mallory'").isEmpty)
  }

  /// An export with nothing changed trusts one number: every table must raise it on every
  /// change, including tables a later migration adds.
  @Test func everyTableCountsItsChangesForTheExport() throws {
    let f = JuryFixture(works: 2)
    let archive = f.t.archive
    let database = archive.database
    let tables = try database.query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'catalog_change'"
    ).map { try $0.string("name") }
    #expect(tables.count >= 21)
    let triggers = Set(
      try database.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").map { try $0.string("name") })
    for table in tables {
      for change in ["insert", "update", "delete"] {
        #expect(triggers.contains("\(table)_counts_\(change)"), "\(table) does not count its \(change)s")
      }
    }
    let before = try archive.changeCount()
    try archive.decide(exhibition: f.t.exhibition, id: "1", selected: true, note: nil)
    let afterDecision = try archive.changeCount()
    #expect(afterDecision > before)
    var last = afterDecision
    for sql in [
      "INSERT INTO setting (key, value) VALUES ('test-key', 'a')",
      "UPDATE setting SET value = 'b' WHERE key = 'test-key'",
      "DELETE FROM setting WHERE key = 'test-key'",
    ] {
      try database.execute(sql)
      let now = try archive.changeCount()
      #expect(now == last + 1, "\(sql)")
      last = now
    }
  }

  @Test func theSameFileReceivedTwiceIsRecordedOnce() throws {
    let f = JuryFixture(works: 1)
    let blobs = try f.t.archive.database.query("SELECT * FROM blob ORDER BY rowid").map(\.columns)
    try f.t.archive.database.transaction {
      for row in blobs { try f.t.archive.registerBlob(sha256: row["sha256"]?.text ?? "", size: 1) }
    }
    #expect(try f.t.archive.database.query("SELECT * FROM blob ORDER BY rowid").map(\.columns) == blobs)
  }

  @Test func aMissingOrNullColumnIsAnErrorNamingTheQueryNotAZero() throws {
    let sql = "SELECT 7 AS id, NULL AS email, 'x' AS name"
    let row = try #require(try TestArchive().archive.database.queryOne(sql))
    #expect(try row.int("id") == 7)
    #expect(try row.optionalString("email") == nil)
    #expect(try row.optionalInt("id") == 7)
    let null = #expect(throws: DatabaseError.self) { try row.string("email") }
    #expect(null?.sql == sql)
    #expect(null?.message.contains("email") == true)
    #expect(throws: DatabaseError.self) { try row.int("missing") }
    #expect(throws: DatabaseError.self) { try row.optionalInt("missing") }
    #expect(throws: DatabaseError.self) { try row.int("name") }
  }

  @Test func aFailedStatementCarriesItsResultCodeAndSQLButNotItsValues() throws {
    let database = TestArchive().archive.database
    let sql = "INSERT INTO setting (key, value) VALUES (?, ?)"
    try database.run(sql, ["k", "first"])
    let error = #expect(throws: DatabaseError.self) { try database.run(sql, ["k", "private value"]) }
    #expect(error?.code.primary == .constraint)
    #expect(error?.code != .constraint, "the extended code says which constraint")
    #expect(error?.sql == sql)
    #expect(error?.description.contains("private value") == false)
  }
}

extension SQLValue {
  fileprivate var text: String? {
    if case .text(let value) = self { return value }
    return nil
  }
}
