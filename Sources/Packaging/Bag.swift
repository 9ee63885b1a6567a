import Basics
import Catalog
import Export
import Foundation
import Hashing
import Jury

/// What `salon bag` wrote.
package struct BagReport: Encodable, Sendable {
  package var output: String
  package var files: Int
  package var bytes: Int
}

/// An RFC 8493 BagIt package of the archive, for long-term preservation: every zip as received,
/// the catalog's records as JSON (Dublin Core for each work, the declarations with their rights
/// statement, the judging results, the event log) and, when asked, the exported gallery. It holds
/// artists' emails and unpublished works, so it is the owner's alone (`OwnerOnly`), gallery too.
package enum Bag {
  /// Writes the bag of one exhibition (by slug) or of every exhibition to `output`, a folder
  /// that does not exist yet.
  package static func write(archive: SalonArchive, exhibition slug: String?, to output: URL, includeSite: Bool)
    throws -> BagReport
  {
    let output = output.standardizedFileURL
    guard !FileManager.default.fileExists(atPath: output.path) else {
      throw CatalogError.storage(
        "\(output.path) already exists; a bag is written to a new folder so nothing is overwritten.")
    }
    let exhibitions = try slug.map { [try archive.exhibition(slug: $0)] } ?? archive.exhibitions()
    let (files, bytes) = try BagWriter(archive: archive, exhibitions: exhibitions)
      .write(to: output, includeSite: includeSite)
    return BagReport(output: output.path, files: files, bytes: bytes)
  }
}

/// Builds the bag in a `.partial-` folder beside the target and renames it when complete.
struct BagWriter {
  let archive: SalonArchive
  let exhibitions: [Exhibition]

  func write(to output: URL, includeSite: Bool) throws -> (files: Int, bytes: Int) {
    let fileManager = FileManager.default
    let folder = output.deletingLastPathComponent()
    Self.sweepStalePartials(in: folder)
    let staging = URL(fileURLWithPath: AtomicFile.temporaryPath(for: output.path))
    try? fileManager.removeItem(at: staging)
    let data = staging.appendingPathComponent("data")
    // 0700 from the start, so nothing written inside is ever open to others on the way.
    try OwnerOnly.makeFolder(data.path)
    do {
      try writePayload(into: data, includeSite: includeSite)
      let (files, bytes) = try writeManifests(bag: staging)
      // Foundation's writers and the gallery's export ask for modes the umask decides.
      OwnerOnly.tightenTree(staging.path)
      guard rename(staging.path, output.path) == 0 else {
        throw CatalogError.storage("Salon could not move the bag into place: \(String(cString: strerror(errno))).")
      }
      try archive.record(
        "bag", exhibition: exhibitions.count == 1 ? exhibitions[0].id : nil,
        detail: ["output": output.path, "files": files])
      return (files, bytes)
    } catch {
      try? fileManager.removeItem(at: staging)
      throw error
    }
  }

  private func writeJSON(_ value: Any, to url: URL) throws {
    try OwnerOnly.makeFolder(url.deletingLastPathComponent().path)
    let json = try JSONSerialization.data(
      withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try json.write(to: url)
  }

  private func writePayload(into data: URL, includeSite: Bool) throws {
    var works: [[String: Any]] = []
    var declarations: [[String: Any]] = []
    var judging: [[String: Any]] = []
    for exhibition in exhibitions {
      let jury = Jury(archive: archive, exhibition: exhibition)
      for work in try archive.works(exhibition: exhibition) {
        let report = try archive.submissionReport(exhibition: exhibition, id: work.id)
        let folder = "originals/\(exhibition.slug)/\(try Self.folderName(forSubmission: work.id))"
        var originals: [[String: Any]] = []
        for version in report.versions ?? [] {
          let name = "\(folder)/v\(version.number).zip"
          let target = data.appendingPathComponent(name)
          try OwnerOnly.makeFolder(target.deletingLastPathComponent().path)
          try OwnerOnly.copyFile(archive.storedFileURL(sha256: version.sha256).path, to: target.path)
          originals.append([
            "file": "data/" + name, "receivedAs": version.zip, "sha256": version.sha256,
            "status": version.status.rawValue,
            "receivedAt": version.receivedAt, "version": version.number,
          ])
        }
        let d = work.declarations
        let rights: String
        switch d.rightsGranted {
        case .yes: rights = "The artists granted non-exclusive rights to publish and reproduce the work."
        case .no: rights = "The artists did not grant rights to publish or reproduce the work."
        case .unknown: rights = "Whether the artists granted rights to publish or reproduce the work is unknown."
        }
        var dc: [String: Any] = [
          "dc:identifier": "\(exhibition.slug)/\(work.id)", "dc:title": work.title, "dc:date": String(exhibition.year),
          "dc:rights": rights, "dc:relation": exhibition.title,
          "dc:format": work.files.filter { $0.role == .main || $0.role == .video }.map(\.type),
        ]
        if let artists = d.artists { dc["dc:creator"] = artists }
        if let medium = d.medium { dc["dc:type"] = medium }
        if let statement = d.statement { dc["dc:description"] = statement }
        if d.previouslyPublished == .yes, let venue = d.priorVenue { dc["dc:source"] = venue }
        works.append([
          "dublinCore": dc, "status": work.status.rawValue, "decision": work.decision ?? NSNull(),
          "originals": originals,
        ])
        var declared: [String: Any] = [
          "submission": "\(exhibition.slug)/\(work.id)", "hasDeclarations": work.hasDeclarations,
          "rightsStatement": rights,
          "previouslyPublished": d.previouslyPublished.rawValue, "underReview": d.underReview.rawValue,
          "rightsGranted": d.rightsGranted.rawValue, "authorshipAffirmed": d.authorshipAffirmed.rawValue,
          "aiUse": d.aiUse.rawValue,
        ]
        for (key, value) in [
          ("title", d.title), ("artists", d.artists), ("email", d.email), ("medium", d.medium),
          ("statement", d.statement),
          ("altText", d.altText), ("link", d.link), ("priorVenue", d.priorVenue), ("aiStatement", d.aiStatement),
        ] {
          if let value { declared[key] = value }
        }
        // What the files said of how they were made, as known at judging time.
        if let provenance = report.provenance {
          declared["provenance"] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(provenance))
        }
        declarations.append(declared)
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      let standings = try JSONSerialization.jsonObject(with: try encoder.encode(try jury.standings(by: .normalized)))
      let prize = try JSONSerialization.jsonObject(with: try encoder.encode(try jury.prizeState()))
      judging.append(["exhibition": exhibition.slug, "standings": standings, "prize": prize])
    }
    try writeJSON(works, to: data.appendingPathComponent("records/works.json"))
    try writeJSON(declarations, to: data.appendingPathComponent("records/declarations.json"))
    try writeJSON(judging, to: data.appendingPathComponent("records/judging.json"))
    let events = try archive.events().filter { e in
      e.exhibition == nil || exhibitions.contains { $0.slug == e.exhibition }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try encoder.encode(events).write(to: data.appendingPathComponent("records/events.json"))
    if includeSite {
      let theme = try Theme(override: nil)
      _ = try Exporter(archive: archive, theme: theme).export(to: data.appendingPathComponent("site"), clean: false)
    }
  }

  /// The manifests, bagit.txt, bag-info.txt (Payload-Oxum, Bagging-Date) and the tag manifest.
  private func writeManifests(bag: URL) throws -> (files: Int, bytes: Int) {
    var sha256Lines: [String] = []
    var sha512Lines: [String] = []
    var count = 0
    var bytes = 0
    let root = bag.standardizedFileURL.path
    let enumerator = FileManager.default.enumerator(
      at: bag.appendingPathComponent("data"), includingPropertiesForKeys: [.isRegularFileKey])
    var paths: [URL] = []
    while let url = enumerator?.nextObject() as? URL {
      if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { paths.append(url) }
    }
    for url in paths.sorted(by: { $0.path < $1.path }) {
      let (a, b, size) = try Self.digest(url)
      let relative = Self.manifestPath(String(url.standardizedFileURL.path.dropFirst(root.count + 1)))
      sha256Lines.append("\(a)  \(relative)")
      sha512Lines.append("\(b)  \(relative)")
      count += 1
      bytes += size
    }
    try (sha256Lines.joined(separator: "\n") + "\n").write(
      to: bag.appendingPathComponent("manifest-sha256.txt"), atomically: false, encoding: .utf8)
    try (sha512Lines.joined(separator: "\n") + "\n").write(
      to: bag.appendingPathComponent("manifest-sha512.txt"), atomically: false, encoding: .utf8)
    try "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".write(
      to: bag.appendingPathComponent("bagit.txt"), atomically: false, encoding: .utf8)
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    let date =
      ProcessInfo.processInfo.environment["SALON_NOW"].map { String($0.prefix(10)) } ?? formatter.string(from: Date())
    let info = """
      Bag-Software-Agent: salon
      Bagging-Date: \(date)
      External-Description: Salon exhibition archive: \(exhibitions.map { "\($0.title) (\($0.year))" }.joined(separator: "; "))
      Payload-Oxum: \(bytes).\(count)

      """
    try info.write(to: bag.appendingPathComponent("bag-info.txt"), atomically: false, encoding: .utf8)
    var tagLines: [String] = []
    for name in ["bag-info.txt", "bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt"] {
      tagLines.append("\(try Self.digest(bag.appendingPathComponent(name)).0)  \(name)")
    }
    try (tagLines.joined(separator: "\n") + "\n").write(
      to: bag.appendingPathComponent("tagmanifest-sha256.txt"), atomically: false, encoding: .utf8)
    return (count, bytes)
  }

  static func digest(_ url: URL) throws -> (String, String, Int) {
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
      throw CatalogError.storage("Salon cannot read \(url.path).")
    }
    defer { try? handle.close() }
    let digests = BagDigests()
    var size = 0
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      try digests.update(chunk)
      size += chunk.count
    }
    let (a, b) = try digests.finalize()
    return (a, b, size)
  }

  /// RFC 8493 §2.1.3: CR, LF and % in a path are percent-encoded.
  static func manifestPath(_ path: String) -> String {
    path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\n", with: "%0A")
      .replacingOccurrences(of: "\r", with: "%0D")
  }

  /// A submission's folder in the bag. Different ids always get different folders (`x/y` and
  /// `x_y` once shared one): letters, digits, `-` and `_` are kept, every other byte is written
  /// `~XX`, so `~` itself never stands for itself. (`%` would need encoding again in the
  /// manifests, which validators read differently.) Very long ids keep a prefix and a hash of
  /// the whole id, within the file system's 255-byte limit on a name.
  static func folderName(forSubmission id: String) throws -> String {
    let kept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)
    var name = ""
    for byte in id.utf8 {
      if kept.contains(byte) {
        name.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        name += String(format: "~%02X", byte)
      }
    }
    if name.isEmpty { return "~" }
    guard name.utf8.count > 200 else { return name }
    // `=` is always encoded above, so a shortened name never equals a whole one.
    return String(name.utf8.prefix(160))! + "=" + (try SHA256Hasher.hash(Array(id.utf8))).prefix(32)
  }

  /// What a bag folder holds at its top; a `.partial-` folder holding anything else is not ours.
  static let bagEntries: Set<String> = [
    "data", "bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
  ]

  /// Removes the `.partial-PID-NAME` folders a killed `salon bag` left in `folder`: only real
  /// folders (never a symbolic link), only when process PID is gone, and only when they hold
  /// nothing but a bag's own files.
  static func sweepStalePartials(in folder: URL) {
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else { return }
    for name in names where AtomicFile.writerIsGone(name) {
      let path = folder.appendingPathComponent(name).path
      var info = stat()
      guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
        let contents = try? fileManager.contentsOfDirectory(atPath: path),
        contents.contains("data"), Set(contents).isSubset(of: bagEntries)
      else { continue }
      // removeItem deletes links inside as links; it never follows them out of the folder.
      try? fileManager.removeItem(atPath: path)
    }
  }

}
