import Basics
import Catalog
import Foundation

enum ExhibitionCommand: Command {
  static let usage = """
    Usage: salon exhibition list [--json]
           salon exhibition rename SLUG TITLE
           salon exhibition hide SLUG | show SLUG
           salon exhibition remove SLUG
           salon exhibition default [SLUG]
           salon exhibition provenance-card SLUG on|off
           salon exhibition room-descriptions SLUG [shown|after-scoring|left-out]
    (each also takes --archive DIR)

      list      Every exhibition, the default marked with *
      rename    Give an exhibition a new title (its slug, and so its gallery address, stays)
      hide      Keep an exhibition out of the gallery, and from being the default; show undoes it
      remove    Remove an exhibition that holds nothing yet (an accidental `salon init`)
      default   Choose the exhibition commands use when no --exhibition is given (or show it)
      provenance-card
                Show jurors, in their rooms, a neutral card of what each work's files say about
                how they were made beside the declaration (off unless turned on)
      room-descriptions
                How jurors' rooms show each work's description PDF, which may name the artist:
                shown, after-scoring (once the juror has scored the work) or left-out (not in
                the room at all; the default); without a choice, say which applies
    """

  static let actions: Set<String> = [
    "list", "rename", "hide", "show", "remove", "default", "provenance-card", "room-descriptions",
  ]

  struct Line: Encodable {
    var slug: String
    var title: String
    var year: Int
    var submissions: Int
    var hidden: Bool
    var isDefault: Bool
  }

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions, flags: ["--json"])
    guard let action = args.positional.first else {
      throw UsageError(
        "Exhibition needs list, rename, hide, show, remove, default, provenance-card or room-descriptions.")
    }
    guard actions.contains(action) else {
      throw UsageError(
        "Unknown action \"\(action)\"; use list, rename, hide, show, remove, default, provenance-card or room-descriptions.\(suggestion(for: action, among: actions))"
      )
    }
    // Listing and showing the default only read, so they work on an archive Salon may not write.
    let archive = try openArchive(
      args,
      reading: action == "list" || (action == "default" && args.positional.count == 1)
        || (action == "room-descriptions" && args.positional.count == 2))
    func named(_ position: Int) throws -> Exhibition {
      guard args.positional.count > position else {
        throw UsageError("Exhibition \(action) needs the exhibition's slug.")
      }
      return try archive.exhibition(slug: args.positional[position])
    }
    switch action {
    case "list":
      let current = try archive.defaultExhibition()
      let lines = try archive.exhibitions().map {
        Line(
          slug: $0.slug, title: $0.title, year: $0.year, submissions: try archive.submissionCount(exhibition: $0),
          hidden: $0.hidden, isDefault: $0.id == current?.id)
      }
      if args.has("--json") {
        try writeJSON(lines)
        return
      }
      guard !lines.isEmpty else {
        print("The archive has no exhibition yet; create one with `salon init --title TITLE`.")
        return
      }
      let width = min(40, lines.map(\.slug.count).max() ?? 4)
      print("  \("SLUG".padding(toLength: width, withPad: " ", startingAt: 0))  YEAR  WORKS  GALLERY  TITLE")
      for line in lines {
        print(
          [
            (line.isDefault ? "*" : " ") + " " + line.slug.padding(toLength: width, withPad: " ", startingAt: 0),
            String(line.year), String(line.submissions).padding(toLength: 5, withPad: " ", startingAt: 0),
            (line.hidden ? "hidden" : "shown").padding(toLength: 7, withPad: " ", startingAt: 0),
            TerminalText.visible(line.title),
          ].joined(separator: "  "))
      }
      print("* is the default: commands use it when no --exhibition is given.")
    case "rename":
      guard args.positional.count == 3 else { throw UsageError("Exhibition rename needs the slug and the new title.") }
      let renamed = try archive.renameExhibition(try named(1), title: args.positional[2])
      print("Renamed: \(renamed.slug) is now titled \"\(renamed.title)\".")
    case "hide", "show":
      let exhibition = try named(1)
      try archive.setExhibitionHidden(exhibition, hidden: action == "hide")
      if action == "hide" {
        print(
          "Hidden: \(exhibition.slug) stays in the archive but out of the gallery; `salon exhibition show \(exhibition.slug)` undoes it."
        )
      } else {
        print("Shown: \(exhibition.slug) is in the gallery again.")
      }
      if let current = try archive.defaultExhibition() { print("The default exhibition is \(current.slug).") }
    case "remove":
      let exhibition = try named(1)
      try archive.removeExhibition(exhibition)
      print("Removed: \(exhibition.slug) (\"\(exhibition.title)\").")
      if let current = try archive.defaultExhibition() { print("The default exhibition is \(current.slug).") }
    case "default":
      if args.positional.count == 1 {
        guard let current = try archive.defaultExhibition() else { throw CatalogError.noExhibition }
        print("\(current.slug) (\"\(current.title)\")")
        return
      }
      let exhibition = try named(1)
      try archive.setDefaultExhibition(exhibition)
      print("Commands now use \(exhibition.slug) when no --exhibition is given.")
    case "provenance-card":
      guard args.positional.count == 3, ["on", "off"].contains(args.positional[2]) else {
        throw UsageError("Exhibition provenance-card needs the slug and on or off.")
      }
      let exhibition = try named(1)
      let shown = args.positional[2] == "on"
      try archive.setProvenanceCard(exhibition: exhibition, shown: shown)
      print(
        shown
          ? "Jury rooms of \(exhibition.slug) now show a provenance card beside each work's declaration; build the rooms again with `salon jury room`."
          : "Jury rooms of \(exhibition.slug) no longer show a provenance card; build the rooms again with `salon jury room`."
      )
    case "room-descriptions":
      let exhibition = try named(1)
      guard args.positional.count <= 3 else {
        throw UsageError("Exhibition room-descriptions needs the slug and shown, after-scoring or left-out.")
      }
      guard args.positional.count == 3 else {
        let mode = try archive.roomDescriptions(exhibition: exhibition)
        print("Jury rooms of \(exhibition.slug): descriptions \(mode.rawValue). \(mode.instruction)")
        return
      }
      guard let mode = RoomDescriptions(rawValue: args.positional[2]) else {
        throw UsageError(
          "Exhibition room-descriptions takes shown, after-scoring or left-out, not \"\(args.positional[2])\".")
      }
      try archive.setRoomDescriptions(exhibition: exhibition, mode)
      print(
        "Jury rooms of \(exhibition.slug) now have descriptions \(mode.rawValue); build the rooms again with `salon jury room`."
      )
    default:
      break
    }
  }
}

enum SettingsCommand: Command {
  static let usage = """
    Usage: salon settings [--json]
           salon settings site-title TITLE
           salon settings site-description TEXT
    (each also takes --archive DIR)

    The archive's settings, shared by every exhibition:
      site-title          The gallery's title, on every page (default: the newest exhibition's title)
      site-description    A sentence about the gallery, on its home page and in the home page's
                          link preview (at most \(SalonArchive.siteDescriptionLimit) characters; "" removes it)
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: archiveOptions, flags: ["--json"])
    let archive = try openArchive(args, reading: args.positional.isEmpty)
    switch args.positional.first {
    case nil:
      let title = try archive.siteTitle()
      let description = try archive.siteDescription()
      if args.has("--json") {
        try writeJSON(["siteTitle": title, "siteDescription": description])
      } else {
        print("site-title: \(TerminalText.visible(title))")
        print("site-description: \(description.isEmpty ? "(none)" : TerminalText.visible(description))")
      }
    case "site-title":
      guard args.positional.count == 2 else { throw UsageError("Settings site-title needs the title.") }
      try archive.setSiteTitle(args.positional[1])
      print("The gallery's title is now \"\(try archive.siteTitle())\"; run `salon export` to publish it.")
    case "site-description":
      guard args.positional.count == 2 else {
        throw UsageError("Settings site-description needs the text (\"\" removes it).")
      }
      try archive.setSiteDescription(args.positional[1])
      let description = try archive.siteDescription()
      print(
        description.isEmpty
          ? "The gallery has no description now; run `salon export` to publish the change."
          : "The gallery's description is now \"\(TerminalText.visible(description))\"; run `salon export` to publish it."
      )
    case let other?:
      let settings: Set<String> = ["site-title", "site-description"]
      throw UsageError(
        "Unknown setting \"\(other)\"; the settings are: site-title, site-description.\(suggestion(for: other, among: settings))"
      )
    }
  }
}
