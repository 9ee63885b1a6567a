import Foundation

/// Checks on the names inside a zip: nothing is ever extracted by these names, but an unsafe name
/// is a sign of a hostile or broken zip and would mislead whoever unpacks it later.
enum EntryName {
  static let maximumPathBytes = 1024
  static let maximumComponentBytes = 255

  /// Why the name is unsafe, in words for the artist; nil when it is fine.
  static func unsafeReason(_ name: String) -> String? {
    if name.isEmpty { return "it has no name" }
    if name.hasPrefix("/") { return "it is an absolute path" }
    if name.contains("\\") { return "it contains a backslash" }
    let scalars = Array(name.unicodeScalars)
    if scalars.count >= 2, scalars[1] == ":", scalars[0].isASCII, CharacterSet.letters.contains(scalars[0]) {
      return "it starts with a drive letter"
    }
    if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
      return "it climbs out of its folder with \"..\""
    }
    for scalar in scalars {
      if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return "it contains a control character" }
      if bidiControls.contains(scalar.value) { return "it contains an invisible text-direction character" }
      if scalar == "\u{FFFD}" { return "it is not valid text in any encoding Salon can read" }
    }
    if name.utf8.count > maximumPathBytes { return "it is longer than \(maximumPathBytes) bytes" }
    if name.split(separator: "/").contains(where: { $0.utf8.count > maximumComponentBytes }) {
      return "a part of it is longer than \(maximumComponentBytes) bytes"
    }
    return nil
  }

  static let bidiControls: Set<UInt32> = [
    0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
  ]

  /// The name as two names are compared: Unicode NFC, case folded, no trailing slash.
  static func comparisonKey(_ name: String) -> String {
    var key = name.precomposedStringWithCanonicalMapping.folding(options: [.caseInsensitive], locale: nil)
    while key.hasSuffix("/") { key.removeLast() }
    return key
  }

  /// Operating-system litter that zip tools add: ignored and reported, never stored.
  static func isJunk(_ name: String) -> Bool {
    let components = name.split(separator: "/")
    if components.contains(where: { $0 == "__MACOSX" }) { return true }
    guard let last = components.last else { return false }
    let base = last.lowercased()
    return base == ".ds_store" || base == "thumbs.db" || base == "desktop.ini" || base.hasPrefix("._")
      || base == ".spotlight-v100" || base == ".trashes" || base == "ehthumbs.db"
  }
}
