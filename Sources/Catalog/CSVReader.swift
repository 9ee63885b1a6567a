import Foundation

/// An RFC 4180 reader: quoted fields with embedded commas, quotes and newlines, CRLF or LF, a
/// leading byte-order mark. Errors name the line where the problem starts.
public enum CSVReader {
  public struct Record: Equatable, Sendable {
    public var fields: [String]
    /// The line the record starts on (1-based), for messages.
    public var line: Int
  }

  public struct Malformed: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
      self.line = line
      self.reason = reason
    }
    public var description: String { "Line \(line) of the form export is malformed: \(reason)." }
  }

  public static func records(from data: Data) throws -> [Record] {
    var text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252) ?? ""
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    return try records(from: text)
  }

  public static func records(from text: String) throws -> [Record] {
    var records: [Record] = []
    var fields: [String] = []
    var field = ""
    var line = 1
    var recordLine = 1
    var inQuotes = false
    var quotedFieldEnded = false
    var quoteLine = 1
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = scalars.next()

    func endField() {
      fields.append(field)
      field = ""
      quotedFieldEnded = false
    }
    func endRecord() {
      endField()
      // A line with nothing on it is not a record.
      if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(fields: fields, line: recordLine)) }
      fields = []
    }

    while let scalar = pending {
      pending = scalars.next()
      if inQuotes {
        if scalar == "\"" {
          if pending == "\"" {
            field.unicodeScalars.append("\"")
            pending = scalars.next()
          } else {
            inQuotes = false
            quotedFieldEnded = true
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.unicodeScalars.append(scalar)
        }
        continue
      }
      switch scalar {
      case ",":
        endField()
      case "\r":
        if pending == "\n" { pending = scalars.next() }
        endRecord()
        line += 1
        recordLine = line
      case "\n":
        endRecord()
        line += 1
        recordLine = line
      case "\"":
        guard field.isEmpty && !quotedFieldEnded else {
          throw Malformed(line: line, reason: "a quote mark appears inside a field that is not quoted")
        }
        inQuotes = true
        quoteLine = line
      default:
        if quotedFieldEnded {
          throw Malformed(line: line, reason: "text follows the closing quote of a field")
        }
        field.unicodeScalars.append(scalar)
      }
    }
    if inQuotes { throw Malformed(line: quoteLine, reason: "a quoted field is never closed") }
    if !field.isEmpty || !fields.isEmpty || quotedFieldEnded { endRecord() }
    return records
  }
}
