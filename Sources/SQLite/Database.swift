import CSQLite

/// A value as SQLite stores it.
package enum SQLValue: Equatable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])
}

/// Swift values that can be bound to a statement parameter.
package protocol SQLBindable {
  var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { package var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { package var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { package var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { package var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { package var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { package var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
  package var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// SQLite's result code for a failure (extended codes included, e.g. 2067 for a UNIQUE
/// constraint), as a Swift value so that no C constant leaves this module.
package struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  package let rawValue: Int32
  package init(rawValue: Int32) { self.rawValue = rawValue }

  /// The primary code, without the extended bits.
  package var primary: ResultCode { ResultCode(rawValue: rawValue & 0xFF) }
  package var description: String { String(cString: sqlite3_errstr(rawValue)) + " (\(rawValue))" }

  package static let error = ResultCode(rawValue: SQLITE_ERROR)
  package static let busy = ResultCode(rawValue: SQLITE_BUSY)
  package static let locked = ResultCode(rawValue: SQLITE_LOCKED)
  package static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
  package static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
  package static let full = ResultCode(rawValue: SQLITE_FULL)
  package static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
  package static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
  package static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
}

/// What went wrong in the catalog, in SQLite's own words; callers match `kind` or `code`.
/// The statement's SQL is kept for diagnosis; the values bound to it never are (they may be
/// an artist's private data).
package struct DatabaseError: Error, CustomStringConvertible, Equatable {
  package enum Kind: Equatable, Sendable { case busy, constraint, readOnly, corrupt, notADatabase, other }
  package let code: ResultCode
  package let message: String
  /// The statement that failed, when there was one.
  package let sql: String?
  package var kind: Kind { Self.kind(code) }
  package var description: String { message }

  package init(code: ResultCode, message: String, sql: String? = nil) {
    self.code = code
    self.message = message
    self.sql = sql
  }

  static func kind(_ code: ResultCode) -> Kind {
    switch code.primary {
    case .busy, .locked: return .busy
    case .constraint: return .constraint
    case .readOnly: return .readOnly
    case .corrupt: return .corrupt
    case .notADatabase: return .notADatabase
    default: return .other
    }
  }
}

/// One result row, by column name. Each getter throws when the column is not in the row or
/// holds the wrong type; the plain getters also throw on NULL, the `optional` ones return nil.
package struct Row {
  /// The result's column names, shared by every row of one query: a row holds only its values,
  /// so a query of 500,000 rows is not 500,000 dictionaries.
  package final class Names: Sendable {
    let names: [String]
    /// Where each name is; a name given twice (`a.*, b.*`) means its last column, as it always has.
    let index: [String: Int]

    init(_ names: [String]) {
      self.names = names
      index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, last in last })
    }
  }
  let names: Names
  let values: [SQLValue]
  /// The query the row came from, for the error when a column is missing.
  package let sql: String

  init(names: Names, values: [SQLValue], sql: String) {
    self.names = names
    self.values = values
    self.sql = sql
  }

  /// Every column by name (for comparing whole rows).
  package var columns: [String: SQLValue] { names.index.mapValues { values[$0] } }

  package subscript(_ name: String) -> SQLValue { names.index[name].map { values[$0] } ?? .null }

  package func int(_ name: String) throws -> Int { try required(name, optionalInt(name)) }
  package func double(_ name: String) throws -> Double { try required(name, optionalDouble(name)) }
  package func string(_ name: String) throws -> String { try required(name, optionalString(name)) }
  package func bool(_ name: String) throws -> Bool { try required(name, optionalBool(name)) }

  package func optionalInt(_ name: String) throws -> Int? {
    switch try value(name) {
    case .null: return nil
    case .integer(let v):
      guard let int = Int(exactly: v) else { throw mismatch(name, "does not fit a whole number") }
      return int
    default: throw mismatch(name, "is not a whole number")
    }
  }

  package func optionalDouble(_ name: String) throws -> Double? {
    switch try value(name) {
    case .null: return nil
    case .real(let v): return v
    case .integer(let v): return Double(v)
    default: throw mismatch(name, "is not a number")
    }
  }

  package func optionalString(_ name: String) throws -> String? {
    switch try value(name) {
    case .null: return nil
    case .text(let v): return v
    default: throw mismatch(name, "is not text")
    }
  }

  package func optionalBool(_ name: String) throws -> Bool? { try optionalInt(name).map { $0 != 0 } }

  /// A text column holding one of a fixed set of values (a status, an answer).
  package func value<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
    try required(name, optionalValue(name, as: type))
  }

  package func optionalValue<T: RawRepresentable>(_ name: String, as type: T.Type) throws -> T?
  where T.RawValue == String {
    guard let text = try optionalString(name) else { return nil }
    guard let value = T(rawValue: text) else { throw mismatch(name, "holds \"\(text)\", which Salon does not know") }
    return value
  }

  private func value(_ name: String) throws -> SQLValue {
    guard let index = names.index[name] else { throw mismatch(name, "is not in the result") }
    return values[index]
  }

  private func required<T>(_ name: String, _ value: T?) throws -> T {
    guard let value else { throw mismatch(name, "is NULL") }
    return value
  }

  private func mismatch(_ name: String, _ problem: String) -> DatabaseError {
    DatabaseError(code: .mismatch, message: "The catalog's column \(name) \(problem).", sql: sql)
  }
}

// SQLite's SQLITE_TRANSIENT is a cast macro Swift cannot import.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// The catalog database: one connection, owned here and closed on deinit.
package final class Database {
  private var handle: OpaquePointer?
  private var statementCache: [String: Statement] = [:]

  /// Opens (creating if needed) the database at `path`, with WAL, foreign keys and a busy timeout
  /// so that a second process waits instead of failing.
  /// `readOnly` opens an existing database for reading only, for a catalog Salon may not write.
  package init(path: String, busyTimeoutMilliseconds: Int32 = 30_000, readOnly: Bool = false) throws {
    guard readOnly else {
      handle = try Self.openHandle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)
      sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
      try execute("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;")
      return
    }
    let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
    handle = try Self.openHandle(Self.readOnlyURI(path) + "?mode=ro", flags)
    sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    if sqlite3_exec(handle, "PRAGMA user_version", nil, nil, nil) & 0xFF == SQLITE_READONLY {
      // A WAL catalog in a folder no one may write: SQLite cannot make its shared-memory file, so
      // it reads the file as it stands (nothing can be changing it).
      sqlite3_close_v2(handle)
      handle = try Self.openHandle(Self.readOnlyURI(path) + "?immutable=1", flags)
    }
    try execute("PRAGMA foreign_keys=ON;")
  }

  private static func openHandle(_ name: String, _ flags: Int32) throws -> OpaquePointer? {
    var db: OpaquePointer?
    let rc = sqlite3_open_v2(name, &db, flags, nil)
    if rc != SQLITE_OK {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(name)"
      sqlite3_close_v2(db)
      throw DatabaseError(code: ResultCode(rawValue: rc), message: message)
    }
    sqlite3_extended_result_codes(db, 1)
    return db
  }

  /// A `file:` URI that opens `path` read-only; the path's special characters percent-encoded.
  static func readOnlyURI(_ path: String) -> String {
    var encoded = ""
    for byte in path.utf8 {
      let c = Character(Unicode.Scalar(byte))
      if c.isASCII && (c.isLetter || c.isNumber || "/-._~".contains(c)) {
        encoded.append(c)
      } else {
        encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
      }
    }
    return "file:\(encoded)"
  }

  deinit {
    statementCache.removeAll()
    sqlite3_close_v2(handle)
  }

  /// The one place a C result code becomes a Swift error.
  fileprivate func check(_ rc: Int32, sql: String?) throws {
    guard rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE else {
      throw DatabaseError(code: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
  }

  /// Runs one or more statements without parameters.
  package func execute(_ sql: String) throws {
    var error: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &error)
    if rc != SQLITE_OK {
      let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(error)
      throw DatabaseError(code: ResultCode(rawValue: rc), message: message, sql: sql)
    }
  }

  /// Runs one statement with parameters, returning nothing.
  package func run(_ sql: String, _ arguments: [any SQLBindable] = []) throws {
    let statement = try prepared(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    while try statement.step() {}
  }

  /// Runs one query and returns every row.
  package func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [Row] {
    var rows: [Row] = []
    try forEachRow(sql, arguments) { rows.append($0) }
    return rows
  }

  /// Runs one query and hands each row to `body` as it is read, so a large result is never held
  /// whole. `body` must not run this same query again (the statement is in use).
  package func forEachRow(_ sql: String, _ arguments: [any SQLBindable] = [], _ body: (Row) throws -> Void) throws {
    let statement = try prepared(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    var names: Row.Names?
    while try statement.step() {
      let shared = names ?? statement.columnNames()
      names = shared
      try body(statement.row(names: shared))
    }
  }

  package func queryOne(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Row? {
    try query(sql, arguments).first
  }

  /// The first row of a query that must return one (an aggregate, a pragma).
  package func queryValue(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Row {
    guard let row = try queryOne(sql, arguments) else {
      throw DatabaseError(code: .error, message: "The catalog returned no row where one was expected.", sql: sql)
    }
    return row
  }

  package var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }
  package var changes: Int { Int(sqlite3_changes(handle)) }

  /// Runs `body` in a transaction that takes the write lock up front (BEGIN IMMEDIATE), so that
  /// two writers queue on the busy timeout instead of failing halfway.
  /// Inside another transaction it is a savepoint: its work is undone alone when it fails, and
  /// is committed with the outer transaction (a batch of submissions committed at once).
  package func transaction<T>(_ body: () throws -> T) throws -> T {
    guard sqlite3_get_autocommit(handle) != 0 else {
      try execute("SAVEPOINT inner")
      do {
        let result = try body()
        try execute("RELEASE inner")
        return result
      } catch {
        try? execute("ROLLBACK TO inner")
        try? execute("RELEASE inner")
        throw error
      }
    }
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Whether a transaction is open on this connection.
  package var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  private func prepared(_ sql: String) throws -> Statement {
    if let cached = statementCache[sql] { return cached }
    let statement = try Statement(database: self, handle: handle, sql: sql)
    statementCache[sql] = statement
    return statement
  }
}

/// A prepared statement, finalised on deinit.
final class Statement {
  private let statement: OpaquePointer
  private unowned let database: Database
  let sql: String

  init(database: Database, handle: OpaquePointer?, sql: String) throws {
    self.database = database
    self.sql = sql
    var statement: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    try database.check(rc, sql: sql)
    guard let statement else {
      throw DatabaseError(code: .error, message: "The statement is empty.", sql: sql)
    }
    self.statement = statement
  }

  deinit { sqlite3_finalize(statement) }

  func bind(_ arguments: [any SQLBindable]) throws {
    sqlite3_clear_bindings(statement)
    for (offset, argument) in arguments.enumerated() {
      let index = Int32(offset + 1)
      let rc: Int32
      switch argument.sqlValue {
      case .null: rc = sqlite3_bind_null(statement, index)
      case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
      case .real(let v): rc = sqlite3_bind_double(statement, index, v)
      case .text(let v): rc = sqlite3_bind_text(statement, index, v, -1, transient)
      case .blob(let v):
        rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
      }
      try database.check(rc, sql: sql)
    }
  }

  /// Advances; true while a row is available.
  func step() throws -> Bool {
    let rc = sqlite3_step(statement)
    try database.check(rc, sql: sql)
    return rc == SQLITE_ROW
  }

  func reset() { sqlite3_reset(statement) }

  /// The names of the current result's columns, read once per run of the statement (a schema
  /// change between runs may change them).
  func columnNames() -> Row.Names {
    Row.Names((0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) })
  }

  func row(names: Row.Names) -> Row {
    let count = min(Int(sqlite3_column_count(statement)), names.names.count)
    var values: [SQLValue] = []
    values.reserveCapacity(count)
    for column in 0..<count {
      let i = Int32(column)
      switch sqlite3_column_type(statement, i) {
      case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, i)))
      case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, i)))
      case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(statement, i))))
      case SQLITE_BLOB:
        let length = Int(sqlite3_column_bytes(statement, i))
        if let pointer = sqlite3_column_blob(statement, i) {
          values.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: length))))
        } else {
          values.append(.blob([]))
        }
      default: values.append(.null)
      }
    }
    return Row(names: names, values: values, sql: sql)
  }
}

extension String {
  fileprivate func leftPadded() -> String { count < 2 ? "0" + self : self }
}
