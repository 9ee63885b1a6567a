import Catalog
import Foundation

enum InitCommand: Command {
  static let usage = """
    Usage: salon init --title TITLE [--year YEAR] [--slug SLUG] [--archive DIR] [options]

    Creates the archive in DIR (default: the current folder) with a new exhibition, or adds the
    next edition to an existing archive. The call's rules are settings:
      --description TEXT            About the exhibition (for the gallery's about page)
      --site-title TEXT             The gallery's title, for the whole archive (default: the newest
                                    exhibition's title; change it later with `salon settings site-title`)
      --site-description TEXT       A sentence about the gallery, for its home page and link preview
                                    (at most \(SalonArchive.siteDescriptionLimit) characters; change it later with
                                    `salon settings site-description`)
      --max-zip-mb N                Largest zip accepted, in MB (default 100; 1 to 10240)
      --max-video-seconds N         Longest video file, in any role (default 60; 1 to 86400)
      --max-audio-seconds N         Longest audio file, in any role (default 600; 1 to 86400)
      --max-description-pages N     Longest description PDF (default 2; 1 to 10000)
      --max-megapixels N            Largest image or video frame, in megapixels (default 100; 0.01 to 100000)
      --max-files N                 Most files in one zip (default 200; 1 to 100000)
      --max-unpacked-mb N           Most data one zip may unpack to, in MB (default 1024; 1 to 1048576)
      --criterion KEY:LABEL[:WEIGHT[:MIN-MAX]]
                                    A scoring criterion (repeatable; default merit and relevance, 1-10;
                                    weight 0.001 to 1000, scale bounds -1000 to 1000)
      --damaged-supplementary reject|warn
                                    A supplementary file (description, supplement) that does not
                                    decode: a warning (default) or a rejection; a damaged main
                                    work or video is always rejected
      --prize AMOUNT                The prize (default 200; 0 to 1000000000)
      --currency CODE               The prize's currency (default USD)
      --json                        Print the exhibition as JSON
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(
      arguments,
      valued: archiveOptions.union([
        "--title", "--year", "--slug", "--description", "--max-zip-mb", "--max-video-seconds", "--max-audio-seconds",
        "--max-description-pages", "--max-megapixels", "--max-files", "--max-unpacked-mb", "--prize", "--currency",
        "--criterion", "--site-title", "--site-description", "--damaged-supplementary",
      ]),
      flags: ["--json"])
    guard args.positional.isEmpty else { throw UsageError("init takes no arguments besides options.") }
    guard let title = args.value("--title") else { throw UsageError("init needs --title.") }
    let year =
      try args.wholeNumber("--year", in: .year) ?? Calendar(identifier: .gregorian).component(.year, from: Date())
    var new = NewExhibition(title: title, year: year)
    new.slug = args.value("--slug")
    new.description = args.value("--description") ?? ""
    // Each value is in its documented range, so these products fit comfortably in an Int.
    let megabyte = 1024.0 * 1024
    if let mb = try args.number("--max-zip-mb", in: .zipMegabytes) { new.limits.maxZipBytes = Int(mb * megabyte) }
    if let s = try args.number("--max-video-seconds", in: .videoSeconds) { new.limits.maxVideoSeconds = s }
    if let s = try args.number("--max-audio-seconds", in: .audioSeconds) { new.limits.maxAudioSeconds = s }
    if let p = try args.wholeNumber("--max-description-pages", in: .descriptionPages) {
      new.limits.maxDescriptionPages = p
    }
    if let mp = try args.number("--max-megapixels", in: .megapixels) { new.limits.maxPixels = Int(mp * 1_000_000) }
    if let n = try args.wholeNumber("--max-files", in: .files) { new.limits.maxEntries = n }
    if let mb = try args.number("--max-unpacked-mb", in: .unpackedMegabytes) {
      new.limits.maxUnpackedBytes = Int(mb * megabyte)
    }
    switch args.value("--damaged-supplementary") {
    case nil, "warn": break
    case "reject": new.limits.rejectDamagedSupplementary = true
    default: throw UsageError("--damaged-supplementary takes reject or warn.")
    }
    if let prize = try args.number("--prize", in: .prize) { new.prizeAmount = prize }
    if let currency = args.value("--currency") { new.prizeCurrency = currency }
    if let specs = args.values["--criterion"] { new.criteria = try specs.map(JuryCommand.parseCriterion) }
    // Every setting is checked before the archive folder is created.
    if let siteTitle = args.value("--site-title"), siteTitle.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      throw UsageError("Option --site-title needs a title.")
    }
    if let siteDescription = args.value("--site-description"),
      SalonArchive.siteDescriptionText(siteDescription).count > SalonArchive.siteDescriptionLimit
    {
      throw UsageError(
        "Option --site-description takes at most \(SalonArchive.siteDescriptionLimit) characters; put a longer text in the exhibition's --description."
      )
    }
    try Criterion.validate(new.criteria)
    let archive = try openArchive(args, create: true)
    let exhibition = try archive.createExhibition(new)
    if let siteTitle = args.value("--site-title") { try archive.setSiteTitle(siteTitle) }
    if let siteDescription = args.value("--site-description") { try archive.setSiteDescription(siteDescription) }
    if args.has("--json") {
      try writeJSON(exhibition)
    } else {
      print(
        "Created exhibition \"\(exhibition.title)\" (\(exhibition.slug), \(exhibition.year)) in \(archive.root.path).")
      if let current = try archive.defaultExhibition(), current.id != exhibition.id {
        print(
          "Commands still use \(current.slug) by default (`salon exhibition default \(exhibition.slug)` changes it).")
      } else {
        print(
          "Commands now use \(exhibition.slug) unless --exhibition names another; a mistake is undone with `salon exhibition remove \(exhibition.slug)`."
        )
      }
      print("Next: salon ingest ZIPS_FOLDER --form FORM.csv")
    }
  }
}
