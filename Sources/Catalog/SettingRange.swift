import Foundation

/// The documented range of a numeric setting. Every number from a flag, the rubric or the catalog
/// is checked against its range where it enters, so later arithmetic on it cannot overflow.
package struct SettingRange: Sendable, Equatable {
  package var lowest: Double
  package var highest: Double
  /// Whether only whole numbers are allowed.
  package var whole: Bool
  /// What the number counts, for messages ("MB", "seconds"); empty when plain.
  package var unit: String

  package init(_ lowest: Double, _ highest: Double, whole: Bool = false, unit: String = "") {
    self.lowest = lowest
    self.highest = highest
    self.whole = whole
    self.unit = unit
  }

  package func contains(_ value: Double) -> Bool {
    value.isFinite && value >= lowest && value <= highest && (!whole || value == value.rounded())
  }

  /// "a whole number from 1 to 100000 (files)".
  package var phrase: String {
    func plain(_ v: Double) -> String { v == v.rounded() ? String(Int64(v)) : String(v) }
    let kind = whole ? "a whole number" : "a number"
    return "\(kind) from \(plain(lowest)) to \(plain(highest))\(unit.isEmpty ? "" : " (\(unit))")"
  }

  /// The one sentence for a value outside the range, naming the setting: "--max-files takes a
  /// whole number from 1 to 100000 (files), not "3e18"."
  package func refusal(_ name: String, _ text: String) -> String {
    "Option \(name) takes \(phrase), not \"\(text)\"."
  }

  /// The value of `text` when it is a number in range, else nil.
  package func parse(_ text: String) -> Double? {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), contains(value) else { return nil }
    return value
  }

  // The settings of an exhibition, as `salon init` takes them.
  package static let zipMegabytes = SettingRange(1, 10_240, unit: "MB")
  package static let videoSeconds = SettingRange(1, 86_400, unit: "seconds")
  package static let audioSeconds = SettingRange(1, 86_400, unit: "seconds")
  package static let descriptionPages = SettingRange(1, 10_000, whole: true, unit: "pages")
  package static let megapixels = SettingRange(0.01, 100_000, unit: "megapixels")
  package static let files = SettingRange(1, 100_000, whole: true, unit: "files")
  package static let unpackedMegabytes = SettingRange(1, 1_048_576, unit: "MB")
  /// At most 10^9 major units: in minor units (× 100) it stays far inside Int64 when split.
  package static let prize = SettingRange(0, 1_000_000_000)
  package static let year = SettingRange(1, 9999, whole: true)
  // The rubric.
  package static let weight = SettingRange(0.001, 1000)
  package static let scaleBound = SettingRange(-1000, 1000, whole: true)
  // The jury.
  package static let jurorsPerWork = SettingRange(1, 1000, whole: true)

  // The export's flags.
  package static let videoSide = SettingRange(64, 7680, whole: true, unit: "pixels")
  package static let pdfPages = SettingRange(1, 1000, whole: true, unit: "pages")
  package static let worksPerPage = SettingRange(1, 10_000, whole: true, unit: "works")
  package static let mediaSeconds = SettingRange(0.01, 86_400, unit: "seconds of processor time")

  // The same limits as the catalog stores them (bytes, pixels), for checks below the command line.
  static let zipBytes = SettingRange(1, 10_240 * 1_048_576, whole: true, unit: "bytes")
  static let unpackedBytes = SettingRange(1, 1_048_576 * 1_048_576, whole: true, unit: "bytes")
  static let pixels = SettingRange(1, 100_000 * 1_000_000, whole: true, unit: "pixels")
}
