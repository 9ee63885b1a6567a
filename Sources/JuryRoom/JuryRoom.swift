import Basics
import Catalog
import Export
import Foundation
import Hashing
import Jury
import Zip

/// What building jury rooms did.
package struct RoomReport: Codable, Equatable, Sendable {
  package struct Room: Codable, Equatable, Sendable {
    package var juror: String
    package var folder: String
    package var zip: String?
    package var works: Int
    package var files: Int
    package var bytes: Int
    /// A room made in parts (more works than `--works-per-part`): this part's number and how many.
    package var part: Int? = nil
    package var parts: Int? = nil
  }
  package var rooms: [Room] = []
  /// How the rooms show descriptions (`salon exhibition room-descriptions`).
  package var descriptions = RoomDescriptions.standard.rawValue
  /// The gallery whose media the rooms copied, when there was one.
  package var gallery: String?
  package var derivativesMade = 0
  /// Taken from the room's earlier build, the gallery or another room: no media work.
  package var derivativesReused = 0
  package var failures: [ExportReport.Failure] = []
}

/// A juror's jury room: one self-contained folder, opened from disk, holding every work assigned
/// to them in full (web renditions, page images, text) beside the scoring form, and nothing else.
/// Artists stay anonymous unless `showArtists`; emails never appear.
package struct JuryRoomBuilder {
  let jury: Jury
  var theme: Theme
  let settings: ExportSettings
  /// A juror with more works than this gets their room in parts, each a complete room.
  package var worksPerPart = JuryRoomBuilder.defaultWorksPerPart
  package static let defaultWorksPerPart = 200
  static let manifestName = ".salon-room.json"
  /// Files of a work that the jury is given.
  static let roles: Set<FileRole> = [.main, .video, .supplementary, .description]

  package init(jury: Jury, theme: Theme, settings: ExportSettings = ExportSettings()) {
    self.jury = jury
    self.theme = theme
    self.settings = settings
  }

  /// Builds one room per juror. With `perJurorFolders`, each goes into `output/<juror id>`;
  /// otherwise the single juror's room is `output`. `gallery` is an export folder whose media
  /// is copied instead of made (default: the folder of the archive's latest export).
  package mutating func build(
    jurors: [Juror], output: URL, perJurorFolders: Bool, showArtists: Bool, zip: Bool, gallery: URL? = nil
  ) throws -> RoomReport {
    var report = RoomReport()
    var donors: [MediaBuilder.Donor] = []
    if let gallery = gallery ?? latestExport(), let manifest = Self.manifest(in: gallery, name: Exporter.manifestName) {
      donors.append(.init(folder: gallery, manifest: manifest))
      report.gallery = gallery.path
    }
    if perJurorFolders { try makeFolder(output) }
    // What every room of this build shares: the descriptions' setting, the round, and the panel's
    // figures as of now.
    let shared = try RoomContext(jury: jury)
    report.descriptions = shared.descriptions.rawValue
    for juror in jurors {
      let folder = perJurorFolders ? output.appendingPathComponent(Slug.make(juror.id, fallback: "juror")) : output
      let works = try jury.assignedWorks(juror)
      let parts = shared.parts(of: works, perPart: worksPerPart)
      try makeFolder(folder)
      if parts.count == 1 {
        try removeParts(in: folder, from: 1)
      } else {
        try removeSingleRoom(in: folder, zip: zip)
        try removeParts(in: folder, from: parts.count + 1)
      }
      for (index, part) in parts.enumerated() {
        let place = parts.count == 1 ? nil : RoomPart(number: index + 1, parts: parts.count, total: works.count)
        let target = place.map { folder.appendingPathComponent("part-\($0.number)") } ?? folder
        let (room, outcome, previous) = try buildRoom(
          for: juror, works: part, part: place, in: target, showArtists: showArtists, donors: donors, shared: shared)
        report.derivativesMade += outcome.made
        report.derivativesReused += outcome.reused
        report.failures += outcome.failures
        var entry = room
        if zip { entry.zip = try writeZip(of: target, files: previous) }
        report.rooms.append(entry)
        // Rooms share works: a later room copies what an earlier one made.
        if let manifest = Self.manifest(in: target, name: Self.manifestName) {
          donors.append(.init(folder: target, manifest: manifest))
        }
      }
    }
    return report
  }

  // MARK: One room

  private mutating func buildRoom(
    for juror: Juror, works: [Work], part: RoomPart?, in output: URL, showArtists: Bool, donors: [MediaBuilder.Donor],
    shared: RoomContext
  ) throws -> (RoomReport.Room, MediaBuilder.Outcome, [String]) {
    try makeFolder(output)
    let folder = try SiteFolder(output)
    folder.fileMode = OwnerOnly.fileMode
    folder.folderMode = OwnerOnly.folderMode
    if let link = folder.links().first {
      throw ExportError.output(
        "\(link) in the room folder \(output.path) is a link; Salon does not write through links, so remove it and build the room again."
      )
    }
    let previous = Self.manifest(in: output, name: Self.manifestName) ?? Exporter.Manifest()
    Exporter.removePartialFiles(in: output)
    var media = MediaBuilder(
      archive: jury.archive, output: output, site: folder, previous: previous, settings: settings)
    media.donors = donors
    // Descriptions left out of the room are not made or copied: no page of them is in it.
    media.roles = shared.descriptions == .leftOut ? Self.roles.subtracting([.description]) : Self.roles
    media.keepsPDFFile = false
    let mediaProgress = settings.progress
    let outcome = try media.build(works: [(jury.exhibition, works)]) { done, total, seconds in
      mediaProgress?(done, total, seconds)
    }

    var site = SiteWriter(folder: folder, previous: previous)
    site.manifestName = Self.manifestName
    for (path, sha) in outcome.files { site.record(path, sha256: sha) }
    site.manifest.sizes = outcome.sizes
    site.manifest.published = outcome.published
    let html = try page(
      for: juror, works: works, media: outcome, showArtists: showArtists, part: part, shared: shared)
    try site.write("index.html", Data(html.utf8))
    // A room holds its juror's works and nothing else: whatever an earlier build put in for a
    // work no longer assigned goes.
    _ = site.removeStale()
    try site.writeManifest()
    folder.removeEmptyFolders()
    // Media arrives published (0644) from the builder, and a room built by an older Salon may
    // hold files hard-linked to a gallery: every name in the room is made the owner's alone.
    OwnerOnly.tightenTree(output.path)

    var bytes = 0
    for path in site.manifest.files.keys {
      var status = stat()
      if lstat(output.appendingPathComponent(path).path, &status) == 0 { bytes += Int(status.st_size) }
    }
    var detail: [String: Any] = [
      "juror": juror.id, "works": works.count, "output": output.path, "showArtists": showArtists,
      "files": site.manifest.files.count, "descriptions": shared.descriptions.rawValue,
    ]
    if let part {
      detail["part"] = part.number
      detail["parts"] = part.parts
    }
    try jury.archive.record("jury-room", exhibition: jury.exhibition.id, detail: detail)
    let room = RoomReport.Room(
      juror: juror.id, folder: output.path, zip: nil, works: works.count, files: site.manifest.files.count,
      bytes: bytes, part: part?.number, parts: part?.parts)
    return (room, outcome, site.manifest.files.keys.sorted())
  }

  /// The room's page, from `Templates/room.html` with `Gallery/room/room.js` and `room.css`
  /// inlined and allowed by their hashes alone.
  mutating func page(
    for juror: Juror, works: [Work], media: MediaBuilder.Outcome, showArtists: Bool, part: RoomPart?,
    shared: RoomContext
  ) throws -> String {
    guard let script = try theme.asset(Theme.roomAssets + "room.js"),
      let style = try theme.asset(Theme.roomAssets + "room.css")
    else { throw ExportError.theme("The theme has no Gallery/room/room.js or Gallery/room/room.css.") }
    let scriptText = String(decoding: script, as: UTF8.self)
    let styleText = String(decoding: style, as: UTF8.self)
    guard !scriptText.lowercased().contains("</script"), !styleText.lowercased().contains("</style") else {
      throw ExportError.theme("Gallery/room/room.js or room.css closes its own element; remove that closing tag.")
    }
    let csp =
      "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'sha256-\(try sha256Base64(styleText))'; script-src 'sha256-\(try sha256Base64(scriptText))'; base-uri 'none'; form-action 'none'"
    let renderer = PageRenderer(model: SiteModel(), media: media)
    let provenance =
      try jury.archive.showsProvenanceCard(exhibition: jury.exhibition)
      ? try jury.archive.latestProvenance(exhibition: jury.exhibition) : nil
    let items: [TemplateValue] = works.enumerated().map { index, work in
      let d = work.declarations
      let primary = work.files.filter { $0.role == .main || $0.role == .video }
      let supplementary = work.files.filter { $0.role == .supplementary }.sorted { ($0.number ?? 0) < ($1.number ?? 0) }
      let description = work.files.filter { $0.role == .description && shared.descriptions != .leftOut }.compactMap {
        file -> TemplateValue? in
        guard case .object(var item) = renderer.mediaItem(file, work: work, root: "", primary: false) else {
          return nil
        }
        item["label"] = .text("Description")
        item["afterScoring"] = shared.descriptions == .afterScoring ? .text(String(index)) : .null
        return .object(item)
      }
      func answer(_ a: Answer) -> String {
        switch a {
        case .yes: return "Yes"
        case .no: return "No"
        case .unknown: return "Not declared"
        }
      }
      let venue = d.priorVenue?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
      let card: TemplateValue = provenance.map { ProvenanceCard.value($0[work.id], declared: d.aiUse) } ?? .null
      return .object([
        "index": .text(String(index)), "number": .text(String(index + 1)), "count": .text(String(works.count)),
        "id": .text(work.id), "title": .text(work.title),
        "artists": showArtists ? d.artists.map(TemplateValue.text) ?? .null : .null,
        "medium": .text(d.medium?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty ?? "Not given"),
        "statement": .list(renderer.paragraphs(d.statement ?? "")),
        "aiUse": .text(d.aiUse.label), "aiStatement": .list(renderer.paragraphs(d.aiStatement ?? "")),
        "previouslyAppeared": .text(answer(d.previouslyPublished)),
        "priorVenue": d.previouslyPublished == .no ? .null : venue.map(TemplateValue.text) ?? .null,
        "underReview": .text(answer(d.underReview)),
        "link": HTMLText.safeLink(d.link).map(TemplateValue.text) ?? .null,
        "media": .list(primary.compactMap { renderer.mediaItem($0, work: work, root: "", primary: true) }),
        "supplementary": .list(
          supplementary.compactMap { renderer.mediaItem($0, work: work, root: "", primary: false) }),
        "hasSupplementary": .bool(!supplementary.isEmpty),
        "description": .list(description),
        "provenance": card,
      ])
    }
    let roundTitle = shared.round.map { " — round \($0.record.name) (\($0.record.kind.rawValue))" } ?? ""
    let partTitle = part.map { " — part \($0.number) of \($0.parts)" } ?? ""
    let context: [String: TemplateValue] = [
      "csp": .text(csp),
      "pageTitle": .text("Jury room — \(jury.exhibition.title)\(roundTitle) — \(juror.name)\(partTitle)"),
      "count": .text(String(works.count)), "works": .list(items), "hasWorks": .bool(!works.isEmpty),
      "descriptions": .text(shared.descriptions.instruction),
      "part": part.map { p in
        .object([
          "number": .text(String(p.number)), "parts": .text(String(p.parts)), "count": .text(String(works.count)),
          "total": .text(String(p.total)),
        ])
      } ?? .null,
      "panel": shared.panel(for: juror),
      "sheet": .html(try jury.sheetDataJSON(for: juror, showArtists: showArtists, works: works)),
      "script": .html(scriptText), "style": .html(styleText),
    ]
    guard let template = try theme.template("room.html") else {
      throw ExportError.theme("The theme has no template room.html.")
    }
    var theme = self.theme
    return try template.render(context) { name in try theme.template("_\(name).html") }
  }

  // MARK: Folders

  /// The folder of the archive's latest export, if it is still there.
  func latestExport() -> URL? {
    guard let event = try? jury.archive.events().last(where: { $0.kind == "export" }),
      let detail = try? JSONSerialization.jsonObject(with: Data(event.detail.utf8)) as? [String: Any],
      let path = detail["output"] as? String
    else { return nil }
    return URL(fileURLWithPath: path)
  }

  /// A manifest read from a folder Salon made, with every path checked to be inside it.
  static func manifest(in folder: URL, name: String) -> Exporter.Manifest? {
    guard
      let data = try? InputFile.read(folder.appendingPathComponent(name).path, limit: 256 << 20, followingLinks: false),
      let manifest = try? JSONDecoder().decode(Exporter.Manifest.self, from: data),
      manifest.files.keys.allSatisfy(SiteFolder.isSafe)
    else { return nil }
    return manifest
  }

  /// Makes `folder` unless it exists; an existing folder must be empty or one Salon made, so
  /// nothing of the organiser's is overwritten or removed.
  func makeFolder(_ folder: URL) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else {
        throw ExportError.output("\(folder.path) is a file; a jury room is a folder, so choose another with -o.")
      }
      let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      let made =
        contents.contains(Self.manifestName)
        || contents.allSatisfy { name in
          Exporter.isPartial(name) || name.hasSuffix(".zip")
            || Self.manifest(in: folder.appendingPathComponent(name), name: Self.manifestName) != nil
        }
      guard made else {
        throw ExportError.output(
          "\(folder.path) is not empty and was not made by `salon jury room`; choose an empty or new folder so nothing of yours is overwritten."
        )
      }
      // A room holds unpublished works: its folder is the owner's alone, even one made before.
      OwnerOnly.tighten(folder.path)
      return
    }
    do { try OwnerOnly.makeFolder(folder.path) } catch { throw ExportError.output("\(error)") }
  }

  /// `FOLDER.zip` beside the room, to send as one file: the room's files without its manifest.
  func writeZip(of folder: URL, files: [String]) throws -> String {
    let target = folder.path + ".zip"
    let temporary = AtomicFile.temporaryPath(for: target)
    let top = folder.lastPathComponent
    do {
      // Made private before anything is written to it: the writer keeps an existing file's mode.
      unlink(temporary)
      close(try OwnerOnly.createFile(temporary))
      // Dated when the room is made, as the juror's unzip tool shows them (not a fixed 2023 date).
      let writer = try ZipWriter(path: temporary, compress: true, modified: Int(time(nil)))
      for file in files where file != Self.manifestName {
        try writer.add("\(top)/\(file)", contentsOf: folder.appendingPathComponent(file).path)
      }
      try writer.close()
    } catch {
      unlink(temporary)
      throw ExportError.output("Salon could not write \(target): \(error).")
    }
    var status = stat()
    if lstat(target, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
      unlink(temporary)
      throw ExportError.output("\(target) is a link or a folder; remove it and build the room again.")
    }
    guard rename(temporary, target) == 0 else {
      unlink(temporary)
      throw ExportError.output("Salon could not write \(target): \(String(cString: strerror(errno))).")
    }
    return target
  }
}
