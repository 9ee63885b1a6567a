import Catalog
import Foundation
import Testing

/// Everything private is its owner's alone whatever the umask, the public site everyone's; an
/// archive opened up by hand is closed again on the next command, which says so once; a catalog
/// that was read-only once works again when it is made writable.
@Suite struct PrivateArchiveTests {
  /// A call run under one umask: init, ingest (with artists' emails), a decision, a juror.
  struct Call {
    let scratch = Scratch()
    let umask: String
    var archive: String { scratch.path("archive") }

    /// Runs the real binary through a shell that sets the umask first, as a login would.
    @discardableResult
    func salon(_ arguments: String...) throws -> SalonRun { try salon(arguments) }

    func salon(_ arguments: [String]) throws -> SalonRun {
      try Binary.run(arguments + ["--archive", archive], shellFirst: "umask \(umask)", timeout: 600)
    }

    func setUp() throws {
      #expect(try salon("init", "--title", "Private Salon", "--year", "2026").status == 0)
      scratch.zip("in/1.zip", Parts.valid("1"))
      scratch.zip("in/2.zip", Parts.valid("2"))
      scratch.write(
        "form.csv",
        "id,title,artists,email,rights,authorship\r\n1,Dawn,Ann,ann@x.org,yes,yes\r\n2,Dusk,Bo,bo@x.org,yes,yes\r\n")
      let ingest = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
      #expect(ingest.status == 0, "\(ingest.stderr)")
      #expect(try salon("submissions", "decide", "1", "selected").status == 0)
      #expect(try salon("jury", "add", "Ann Juror").status == 0)
      #expect(try salon("jury", "assign").status == 0)
    }
  }

  @Test(arguments: ["022", "000"]) func everythingPrivateIsTheOwnersAloneAndTheSiteEveryones(umask: String) throws {
    let call = Call(umask: umask)
    try call.setUp()
    let s = call.scratch
    for arguments in [
      ["jury", "score", "ann-juror", "1", "--merit", "7", "--relevance", "8"],
      ["jury", "score", "ann-juror", "2", "--merit", "3", "--relevance", "4"],
      ["prize", "award", "1"],
      ["jury", "sheet", "ann-juror", "-o", s.path("sheet.csv")],
      ["jury", "sheet", "ann-juror", "--format", "html", "-o", s.path("sheet.html")],
      ["prize", "export-scores", "-o", s.path("scores.csv")],
      ["prize", "announce", "-o", s.path("announcement.md")],
      ["export", "-o", s.path("site")],
      ["bag", "-o", s.path("bag"), "--site"],
      ["jury", "room", "ann-juror", "-o", s.path("room"), "--zip"],
      ["jury", "room", "--all", "-o", s.path("rooms")],
    ] {
      let run = try call.salon(arguments)
      #expect(run.status == 0, "\(arguments): \(run.stderr)")
    }
    // A second build of a room, and an export after the rooms, reuse the private cache.
    #expect(try call.salon("jury", "room", "ann-juror", "-o", s.path("room")).status == 0)
    #expect(try call.salon("export", "-o", s.path("site")).status == 0)

    #expect(Self.mode(call.archive) == 0o700)
    #expect(Self.mode(call.archive + "/salon.sqlite") == 0o600)
    for tree in ["archive", "bag", "room", "rooms"] {
      let open = Self.paths(under: s.path(tree)).filter { Self.mode($0) & 0o077 != 0 }
      #expect(
        open.isEmpty,
        "\(tree) under umask \(umask): \(open.prefix(5).map { "\($0) \(String(Self.mode($0), radix: 8))" })")
    }
    #expect(Self.paths(under: call.archive + "/cache").count > 3, "the derivative cache was filled")
    #expect(Self.paths(under: s.path("room")).count > 3)
    for file in ["sheet.csv", "sheet.html", "scores.csv", "announcement.md", "room.zip"] {
      #expect(Self.mode(s.path(file)) == 0o600, "\(file) under umask \(umask)")
    }
    let site = Self.paths(under: s.path("site"))
    #expect(site.count > 5)
    for path in site + [s.path("site")] {
      var status = stat()
      #expect(lstat(path, &status) == 0)
      let expected: mode_t = status.st_mode & S_IFMT == S_IFDIR ? 0o755 : 0o644
      #expect(status.st_mode & 0o7777 == expected, "\(path) under umask \(umask)")
    }
  }

  @Test func anArchiveOpenedUpByHandIsMadePrivateOnceAndSaysSo() throws {
    let call = Call(umask: "022")
    try call.setUp()
    let gallery = call.archive + "/gallery"
    let export = try call.salon("export", "-o", gallery)
    #expect(export.status == 0, "\(export.stderr)")
    #expect(export.stdout.contains("cannot open a gallery inside it"), "the gallery inside the private archive")
    // An older Salon linked the cache's files into the gallery: one of them, published 0644.
    let cached = Self.paths(under: call.archive + "/cache/derivatives").first {
      !$0.hasSuffix(".json") && Self.isFile($0)
    }
    let published = call.scratch.path("published.webp")
    #expect(cached != nil)
    if let cached { #expect(link(cached, published) == 0) }
    // Opened up by hand, as an older Salon under umask 022 left it.
    for path in Self.paths(under: call.archive) + [call.archive] {
      chmod(path, Self.isFile(path) ? 0o644 : 0o755)
    }
    let first = try call.salon("submissions", "list")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.components(separatedBy: "was open to other users").count == 2, "\(first.stderr)")
    let open = (Self.paths(under: call.archive) + [call.archive]).filter {
      Self.mode($0) & 0o077 != 0 && !$0.hasPrefix(gallery)
    }
    #expect(open.isEmpty, "\(open.prefix(5))")
    // The organiser's own things in the folder, and a published name of a cached file, keep their modes.
    #expect(Self.mode(gallery + "/index.html") == 0o644)
    #expect(Self.mode(published) == 0o644)
    if let cached { #expect(SHA.of(cached) == SHA.of(published)) }

    let second = try call.salon("submissions", "list")
    #expect(second.status == 0)
    #expect(!second.stderr.contains("was open to other users"), "\(second.stderr)")
    let log = try call.salon("log", "--json")
    #expect(log.stdout.components(separatedBy: "archive-made-private").count == 2, "one event")
  }

  /// SQLite makes the -wal and -shm with the catalog's mode: both private while a command runs.
  @Test func theCatalogsWriteAheadLogIsPrivateWhileOpen() throws {
    let call = Call(umask: "000")
    #expect(try call.salon("init", "--title", "Private Salon", "--year", "2026").status == 0)
    let archive = try SalonArchive.open(at: call.archive)
    try archive.record("test", exhibition: nil)
    for suffix in ["", "-wal", "-shm"] {
      #expect(FileManager.default.fileExists(atPath: call.archive + "/salon.sqlite" + suffix))
      #expect(Self.mode(call.archive + "/salon.sqlite" + suffix) == 0o600, "salon.sqlite\(suffix)")
    }
  }

  /// Run as `nobody`: root ignores permissions. Read while read-only, then made writable again.
  @Test(arguments: ["catalog", "folder"]) func aCatalogReadOnlyOnceIsWritableAgain(what: String) throws {
    let scratch = Scratch()
    #expect(chmod(scratch.url.path, 0o777) == 0)
    let archive = scratch.path("archive")
    func salon(_ arguments: String...) throws -> SalonRun {
      try Binary.run(arguments + ["--archive", archive], asNobody: true)
    }
    #expect(try salon("init", "--title", "First", "--year", "2026").status == 0)
    let target = what == "catalog" ? archive + "/salon.sqlite" : archive
    let writable = Self.mode(target)
    #expect(chmod(target, writable & ~0o222) == 0)
    let read = try salon("submissions", "list")
    #expect(read.status == 0, "\(read.stderr)")
    let refused = try salon("init", "--title", "Refused", "--year", "2027")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("read-only"), "\(refused.stderr)")
    #expect(chmod(target, writable) == 0)
    let again = try salon("init", "--title", "Second", "--year", "2027")
    #expect(again.status == 0, "\(again.stderr)")
    let list = try salon("exhibition", "list")
    #expect(list.stdout.contains("Second"), "\(list.stdout) \(list.stderr)")
  }

  // MARK: Helpers

  static func mode(_ path: String) -> mode_t {
    var status = stat()
    guard lstat(path, &status) == 0 else { return 0o7777 }
    return status.st_mode & 0o7777
  }

  static func isFile(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
  }

  /// Every path under `root` (not `root` itself), links not followed.
  static func paths(under root: String) -> [String] {
    var found: [String] = []
    for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
      let path = root + "/" + name
      found.append(path)
      var status = stat()
      if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { found += paths(under: path) }
    }
    return found
  }
}
