import Basics
import Catalog
import Foundation
import Jury

/// `salon prize letters -o DIR`: one private page per submission for its artist.
enum PrizeLettersCommand {
  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions.union(["-o"]), flags: [])
    guard args.positional.isEmpty, let path = args.value("-o") else {
      throw UsageError("prize letters needs -o DIR, the folder for the letters.")
    }
    let jury = try JuryCommand.openJury(args, reading: true)
    let folder = try jury.archive.checkOutputPath(path, kind: .folder)
    let letters = try jury.artistLetters()
    // Owner-only: each letter is for one artist and the organisers, never the gallery.
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    guard chmod(folder.path, 0o700) == 0 else {
      throw CatalogError.storage("Salon could not make \(path) private to you (chmod failed).")
    }
    var names = Set<String>()
    for letter in letters {
      let base = "letter-" + Slug.make(letter.id, fallback: "submission")
      var name = base
      var n = 2
      while !names.insert(name).inserted {
        name = "\(base)-\(n)"
        n += 1
      }
      try AtomicFile.write(
        Data(jury.letterPage(letter).utf8), to: folder.appendingPathComponent(name + ".html"), mode: 0o600)
    }
    print(
      "Wrote \(letters.count) letter\(letters.count == 1 ? "" : "s") to \(path), readable only by you; each names no juror. Send each to its artist."
    )
  }
}
