import Catalog
import Foundation
import Hashing
import Ingest
import SQLite
import SampleContent
import Testing

/// The zip as received is the stored original and each accepted file is addressed inside it:
/// the archive holds the submitted bytes once, `verify` vouches for them through the zip's hash,
/// the same file in two versions is addressed once, and an archive stored the old way (each file
/// loose beside its zip) still verifies and exports.
@Suite(.serialized) struct IngestStorageTests {
  let scratch = Scratch()

  /// Bytes of everything in the store (files only).
  func storeBytes(_ archive: String) -> Int {
    let root = archive + "/store"
    var total = 0
    for path in (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? [] {
      var status = stat()
      if lstat(root + "/" + path, &status) == 0, status.st_mode & S_IFMT == S_IFREG { total += Int(status.st_size) }
    }
    return total
  }

  func salon(_ arguments: [String], _ archive: String) throws -> SalonRun {
    try Binary.run(arguments + ["--archive", archive])
  }

  /// A call of `works` image works with the form saying rights granted, ingested and selected.
  func ingestedArchive(_ name: String, works: Int = 1) throws -> String {
    let archive = scratch.path(name)
    _ = try salon(["init", "--title", "Salon", "--year", "2026"], archive)
    let folder = "in-\(name)"
    var csv = "id,title,rights,authorship\n"
    for n in 1...works {
      scratch.zip(
        "\(folder)/\(n).zip",
        [
          ("\(n)_main.png", SampleMedia.png(width: 400, height: 300, seed: n)),
          ("\(n)_description.pdf", Parts.description),
        ])
      csv += "\(n),Work \(n),yes,yes\n"
    }
    scratch.write("\(folder).csv", csv)
    let run = try salon(["ingest", scratch.path(folder), "--form", scratch.path("\(folder).csv")], archive)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    for n in 1...works { _ = try salon(["submissions", "decide", "\(n)", "selected"], archive) }
    return archive
  }

  @Test func theArchiveHoldsTheZipOnceAndNoSecondCopyOfItsFiles() throws {
    let t = TestArchive()
    let sound = SampleMedia.wav(seconds: 20, sampleRate: 44_100)
    let zip = t.scratch.zip("1.zip", [("1_main.wav", sound), ("1_description.pdf", Parts.description)])
    let report = try t.ingest(zip)
    #expect(report.status == .accepted, "\(report.problems)")
    let zipSize = try FileManager.default.attributesOfItem(atPath: zip)[.size] as! Int
    let stored = storeBytes(t.archive.root.path)
    #expect(stored == zipSize, "the store holds \(stored) bytes for a zip of \(zipSize)")
    #expect(Double(stored) <= 1.05 * Double(zipSize))
    #expect(t.temporaryFiles.isEmpty, "the decoders' unpacked copies are gone")
    // Each file reads back whole from inside the zip, checked against its hash.
    for file in report.files {
      #expect(try t.archive.storedFile(sha256: file.sha256).withPath { SHA.of($0) } == file.sha256)
    }
    #expect(t.temporaryFiles.isEmpty, "a reader's copy is removed after use")
  }

  @Test func verifyFindsAByteFlippedInsideAStoredZip() throws {
    let archive = try ingestedArchive("flip")
    #expect(try salon(["verify"], archive).status == 0)
    let opened = try SalonArchive.open(at: archive)
    let row = try #require(
      try opened.database.queryOne("SELECT zip_sha256, header_offset FROM zip_member ORDER BY header_offset LIMIT 1"))
    let zipSHA = try row.string("zip_sha256")
    let url = opened.storedFileURL(sha256: zipSHA)
    chmod(url.path, 0o600)
    var bytes = try Data(contentsOf: url)
    // Inside the first file's data, past its local header.
    bytes[try row.int("header_offset") + 200] ^= 0x01
    try bytes.write(to: url)
    let run = try salon(["verify", "--json"], archive)
    #expect(run.status == 1)
    let report = try #require(try Binary.json(run) as? [String: Any])
    let corrupt = try #require(report["corrupt"] as? [[String: Any]])
    #expect(corrupt.map { $0["sha256"] as? String } == [zipSHA])
    #expect(corrupt.first?["submissions"] as? [String] == ["salon-2026/1"])
    // The damaged file is refused, not published: export reports it rather than reading it.
    let site = scratch.path("flip-site")
    let export = try salon(["export", "-o", site, "--json"], archive)
    let failures = (try Binary.json(export) as? [String: Any])?["failures"] as? [Any]
    #expect(failures?.isEmpty == false, "\(export.stdout.prefix(400))")
  }

  @Test func theSameFileInTwoVersionsIsAddressedOnce() throws {
    let t = TestArchive()
    let first = t.scratch.zip("1.zip", Parts.valid("1"))
    let second = t.scratch.zip(
      "v2/1.zip",
      [("1_main.png", SampleMedia.png(width: 40, height: 30, seed: 9)), ("1_description.pdf", Parts.description)])
    let one = try t.ingest(first)
    let two = try Ingester(archive: t.archive, exhibition: t.exhibition, form: nil).ingest(
      zipAt: second, asVersionOf: one.id)
    #expect(one.status == .accepted && two.status == .accepted)
    #expect(two.version == 2, "\(two.change)")
    let description = SHA.of(bytes: Parts.description)
    let rows = try t.archive.database.query("SELECT zip_sha256 FROM zip_member WHERE sha256 = ?", [description])
    #expect(
      try rows.map { try $0.string("zip_sha256") } == [SHA.of(first)], "addressed in the zip that brought it first")
    #expect(try t.archive.database.query("SELECT sha256 FROM zip_member").count == 3)
    #expect(Set(t.storedFiles.map { ($0 as NSString).lastPathComponent }) == [SHA.of(first), SHA.of(second)])
    // Version 2's description reads back from version 1's zip.
    #expect(try t.archive.storedFile(sha256: description).withPath { SHA.of($0) } == description)
  }

  /// An archive written before files were addressed inside their zips: every accepted file loose
  /// in the store beside its zip, catalog at the schema before migration 16. It migrates, verifies
  /// and exports the same site as the archive stored the new way.
  @Test func anArchiveStoredTheOldWayStillVerifiesAndExports() throws {
    let current = try ingestedArchive("new")
    let old = try ingestedArchive("old")
    do {
      let opened = try SalonArchive.open(at: old)
      let members = try opened.database.query("SELECT sha256, size FROM zip_member")
      for member in members {
        let sha = try member.string("sha256")
        let url = opened.storedFileURL(sha256: sha)
        try opened.storedFile(sha256: sha).withPath { path in
          try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
          try FileManager.default.copyItem(atPath: path, toPath: url.path)
        }
        chmod(url.path, 0o400)
        try opened.database.run(
          "INSERT INTO blob (sha256, size, stored_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z')",
          [sha, try member.int("size")])
      }
      #expect(members.count == 2)
      let version = try opened.database.queryValue("PRAGMA user_version").int("user_version")
      try opened.database.execute(
        """
        DROP TABLE zip_member;
        PRAGMA user_version = \(version - 1);
        """)
    }
    let verified = try salon(["verify", "--json"], old)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect((try Binary.json(verified) as? [String: Any])?["checked"] as? Int == 3, "the zip and its two loose files")
    let oldSite = scratch.path("old-site")
    let newSite = scratch.path("new-site")
    let oldRun = try salon(["export", "-o", oldSite, "--json"], old)
    let newRun = try salon(["export", "-o", newSite, "--json"], current)
    #expect(oldRun.status == 0 && newRun.status == 0, "\(oldRun.stderr)\(newRun.stderr)")
    func media(_ site: String) -> [String: String] {
      var found: [String: String] = [:]
      for path in (FileManager.default.enumerator(atPath: site + "/media")?.allObjects as? [String]) ?? [] {
        if let data = FileManager.default.contents(atPath: site + "/media/" + path) {
          found[path] = SHA.of(bytes: Array(data))
        }
      }
      return found
    }
    let published = media(newSite)
    #expect(published.count >= 2, "\(published.keys.sorted())")
    #expect(media(oldSite) == published, "the same derivatives from loose files as from inside the zip")
  }
}
