/// The one CSV writer: RFC 4180 fields a spreadsheet opens as plain text, and `CSVReader` plus
/// `plainField` read back to exactly what was written.
package enum CSVWriter {
  /// Characters that make a spreadsheet read a cell as a formula when they lead it.
  static let formulaLeads: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "'"]

  /// One record, fields joined by commas, without the line end.
  package static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

  /// The lines of a file, with the CRLF line ends spreadsheets expect.
  package static func document(_ lines: [String]) -> String { lines.joined(separator: "\r\n") + "\r\n" }

  /// A field: a leading formula character gets an apostrophe in front (an apostrophe in front
  /// gets one too, so `plainField` can take exactly one off); any CR, LF, quote or comma
  /// quotes the field.
  package static func field(_ text: String) -> String {
    var value = text
    if let first = value.unicodeScalars.first, formulaLeads.contains(first) { value = "'" + value }
    if value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) {
      return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return value
  }

  /// The text `field` was given, from the field as read back.
  package static func plainField(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard scalars.first == "'", scalars.count > 1,
      formulaLeads.contains(scalars[scalars.index(after: scalars.startIndex)])
    else { return text }
    return String(String.UnicodeScalarView(scalars.dropFirst()))
  }
}
