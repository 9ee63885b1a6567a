import Catalog
import Foundation

/// Assigns roles from the call's naming convention (`<name>_main.<ext>`, `_video`,
/// `_description`, `_supplementary_<N>`), tolerant of case, stray spaces, prefixes and one
/// top-level folder. Every tolerance it uses is reported: it never guesses silently.
enum RoleInference {
  struct Candidate {
    var path: String
    var family: ContentFamily
  }

  struct Assignment: Equatable {
    var role: FileRole
    var number: Int?
    /// Set when the name drifts from the convention, saying what was inferred.
    var note: String?
  }

  /// The largest supplementary number kept from a name; larger ones (up to Int.max and beyond,
  /// in a hostile name) would overflow the numbering of the files that have none.
  static let largestNumber = 999_999

  static func assign(_ files: [Candidate]) -> [Assignment] {
    let strip = commonFolder(files.map(\.path))
    var assignments = files.map { file -> Assignment in
      let relative = strip.map { String(file.path.dropFirst($0.count)) } ?? file.path
      return roleFromName(relative, original: file.path)
    }
    // A lone PDF with no role of its own is taken as the description.
    if !assignments.contains(where: { $0.role == .description }) {
      let pdfs = files.indices.filter { files[$0].family == .pdf && assignments[$0].role == .other }
      if pdfs.count == 1 {
        assignments[pdfs[0]] = Assignment(
          role: .description, number: nil,
          note: "Took \"\(files[pdfs[0]].path)\" as the description because it is the only PDF without a role.")
      }
    }
    // Supplementary files without a number are numbered after those that have one.
    var next = (assignments.compactMap(\.number).max() ?? 0) + 1
    for index in assignments.indices where assignments[index].role == .supplementary && assignments[index].number == nil
    {
      assignments[index].number = next
      next += 1
    }
    return assignments
  }

  /// The single folder every file sits in, if there is one ("MyWork/"), to be ignored.
  static func commonFolder(_ paths: [String]) -> String? {
    guard let first = paths.first, let slash = first.firstIndex(of: "/") else { return nil }
    let folder = String(first[...slash])
    return paths.allSatisfy({ $0.hasPrefix(folder) && !$0.dropFirst(folder.count).contains("/") }) ? folder : nil
  }

  static func roleFromName(_ relative: String, original: String) -> Assignment {
    let base = relative.split(separator: "/").last.map(String.init) ?? relative
    var stem = base
    if let dot = base.lastIndex(of: "."), dot != base.startIndex { stem = String(base[..<dot]) }
    let words = stem.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " || $0 == "." })
      .map(String.init)
    guard let last = words.last else { return Assignment(role: .other) }

    // An enclosing folder is accepted, but it is a drift the artist should hear about.
    let exact = isConventional(original)
    func found(_ role: FileRole, _ number: Int? = nil, _ description: String) -> Assignment {
      let note =
        exact ? nil : "Took \"\(original)\" as \(description), though its name drifts from the call's convention."
      return Assignment(role: role, number: number, note: note)
    }
    let supplementaryWords: Set<String> = ["supplementary", "supplement", "supp", "supplemental"]
    if words.count >= 2, supplementaryWords.contains(words[words.count - 2]) {
      if let number = Int(last), (0...largestNumber).contains(number) {
        return found(.supplementary, number, "supplementary file \(number)")
      }
      if !last.isEmpty && last.allSatisfy({ $0.isASCII && $0.isNumber }) {
        return Assignment(
          role: .supplementary, number: nil,
          note:
            "Took \"\(original)\" as a supplementary file; its number is too large to keep, so it is numbered after the others."
        )
      }
    }
    if supplementaryWords.contains(last) { return found(.supplementary, nil, "a supplementary file") }
    let first = words[0]
    if last == "main" || first == "main" { return found(.main, nil, "the main work") }
    if last == "video" || first == "video" { return found(.video, nil, "the video") }
    if ["description", "desc"].contains(last) || first == "description" {
      return found(.description, nil, "the description")
    }
    if supplementaryWords.contains(first) {
      let number = words.count > 1 ? Int(words[1]).flatMap { (0...largestNumber).contains($0) ? $0 : nil } : nil
      return found(.supplementary, number, "a supplementary file")
    }
    return Assignment(role: .other)
  }

  /// `<name>_main.<ext>` and friends exactly as the call asks, at the top of the zip; the call's
  /// own placeholder left as a prefix (`artwork_X_main.pdf`) is a drift.
  static func isConventional(_ path: String) -> Bool {
    guard !path.contains("/"), !path.contains(" ") else { return false }
    let pattern = #"^(?!artwork_)[^_][^ ]*_(main|video|description|supplementary_[0-9]+)\.[a-z0-9]+$"#
    return path.range(of: pattern, options: .regularExpression) != nil
  }
}

extension RoleInference.Assignment {
  init(role: FileRole) { self.init(role: role, number: nil, note: nil) }
}
