import CSQLite

/// A value as SQLite stores it.
public enum SQLValue: Equatable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])
}

/// Swift values that can be bound to a statement parameter.
public protocol SQLBindable {
  var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
  public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// What went wrong in the catalog, in SQLite's own words; callers match `kind`.
public struct DatabaseError: Error, CustomStringConvertible, Equatable {
  public enum Kind: Equatable, Sendable { case busy, constraint, readOnly, corrupt, notADatabase, other }
  public let kind: Kind
  public let message: String
  public var description: String { message }
}

/// One result row, by column name.
public struct Row {
  public let columns: [String: SQLValue]

  public subscript(_ name: String) -> SQLValue { columns[name] ?? .null }

  public func int(_ name: String) -> Int? {
    if case .integer(let v) = self[name] { return Int(v) }
    if case .real(let v) = self[name] { return Int(v) }
    return nil
  }
  public func double(_ name: String) -> Double? {
    if case .real(let v) = self[name] { return v }
    if case .integer(let v) = self[name] { return Double(v) }
    return nil
  }
  public func string(_ name: String) -> String? {
    if case .text(let v) = self[name] { return v }
    if case .integer(let v) = self[name] { return String(v) }
    return nil
  }
  public func bool(_ name: String) -> Bool? { int(name).map { $0 != 0 } }
}

// SQLite's SQLITE_TRANSIENT is a cast macro Swift cannot import.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// The catalog database: one connection, owned here and closed on deinit.
public final class Database {
  private var handle: OpaquePointer?
  private var statementCache: [String: Statement] = [:]

  /// Opens (creating if needed) the database at `path`, with WAL, foreign keys and a busy timeout
  /// so that a second process waits instead of failing.
  /// `readOnly` opens an existing database for reading only, for a catalog Salon may not write.
  public init(path: String, busyTimeoutMilliseconds: Int32 = 30_000, readOnly: Bool = false) throws {
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
      throw DatabaseError(kind: kind(rc), message: message)
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

  static func kind(_ rc: Int32) -> DatabaseError.Kind {
    switch rc & 0xFF {
    case SQLITE_BUSY, SQLITE_LOCKED: return .busy
    case SQLITE_CONSTRAINT: return .constraint
    case SQLITE_READONLY: return .readOnly
    case SQLITE_CORRUPT: return .corrupt
    case SQLITE_NOTADB: return .notADatabase
    default: return .other
    }
  }

  fileprivate func check(_ rc: Int32) throws {
    guard rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE else {
      throw DatabaseError(kind: Self.kind(rc), message: String(cString: sqlite3_errmsg(handle)))
    }
  }

  /// Runs one or more statements without parameters.
  public func execute(_ sql: String) throws {
    var error: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &error)
    if rc != SQLITE_OK {
      let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
      sqlite3_free(error)
      throw DatabaseError(kind: Self.kind(rc), message: message)
    }
  }

  /// Runs one statement with parameters, returning nothing.
  public func run(_ sql: String, _ arguments: [any SQLBindable] = []) throws {
    let statement = try prepared(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    while try statement.step() {}
  }

  /// Runs one query and returns every row.
  public func query(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [Row] {
    let statement = try prepared(sql)
    try statement.bind(arguments)
    defer { statement.reset() }
    var rows: [Row] = []
    while try statement.step() { rows.append(statement.row()) }
    return rows
  }

  public func queryOne(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Row? {
    try query(sql, arguments).first
  }

  public var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// Runs `body` in a transaction that takes the write lock up front (BEGIN IMMEDIATE), so that
  /// two writers queue on the busy timeout instead of failing halfway.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
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

  init(database: Database, handle: OpaquePointer?, sql: String) throws {
    self.database = database
    var statement: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    try database.check(rc)
    guard let statement else {
      throw DatabaseError(kind: .other, message: "empty statement")
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
      try database.check(rc)
    }
  }

  /// Advances; true while a row is available.
  func step() throws -> Bool {
    let rc = sqlite3_step(statement)
    try database.check(rc)
    return rc == SQLITE_ROW
  }

  func reset() { sqlite3_reset(statement) }

  func row() -> Row {
    var columns: [String: SQLValue] = [:]
    let count = sqlite3_column_count(statement)
    for i in 0..<count {
      let name = String(cString: sqlite3_column_name(statement, i))
      switch sqlite3_column_type(statement, i) {
      case SQLITE_INTEGER: columns[name] = .integer(sqlite3_column_int64(statement, i))
      case SQLITE_FLOAT: columns[name] = .real(sqlite3_column_double(statement, i))
      case SQLITE_TEXT: columns[name] = .text(String(cString: sqlite3_column_text(statement, i)))
      case SQLITE_BLOB:
        let length = Int(sqlite3_column_bytes(statement, i))
        if let pointer = sqlite3_column_blob(statement, i) {
          columns[name] = .blob(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
        } else {
          columns[name] = .blob([])
        }
      default: columns[name] = .null
      }
    }
    return Row(columns: columns)
  }
}

extension String {
  fileprivate func leftPadded() -> String { count < 2 ? "0" + self : self }
}
