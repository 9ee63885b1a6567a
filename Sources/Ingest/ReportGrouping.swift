import Catalog

/// Long reports stay readable: many findings with the same code (a zip of 400 images whose pixel
/// size is unknown) are shown as one line with a count and an example.
package enum ReportGrouping {
  package struct Line: Equatable, Sendable {
    package var code: String
    package var count: Int
    /// The finding's own message, or the first one's when several are grouped.
    package var message: String
  }

  /// Findings in order, those sharing a code with more than `threshold` others folded into the
  /// line of the first.
  package static func lines(_ findings: [Finding], threshold: Int = 3) -> [Line] {
    var counts: [String: Int] = [:]
    for finding in findings { counts[finding.code, default: 0] += 1 }
    var lines: [Line] = []
    var shown = Set<String>()
    for finding in findings {
      let count = counts[finding.code] ?? 1
      if count <= threshold {
        lines.append(Line(code: finding.code, count: 1, message: finding.message))
      } else if shown.insert(finding.code).inserted {
        lines.append(Line(code: finding.code, count: count, message: finding.message))
      }
    }
    return lines
  }

  /// `code: message`, or `code, 400 files: message (and 399 more like it)`.
  package static func text(_ line: Line) -> String {
    guard line.count > 1 else { return "\(line.code): \(line.message)" }
    return "\(line.code), \(line.count) files: \(line.message) (and \(line.count - 1) more like it)"
  }
}
