import Foundation
import Hashing
import Synchronization

/// What `salon verify` found: every stored file against the catalog, and the catalog against
/// the store.
package struct FixityReport: Codable, Equatable, Sendable {
  package struct Item: Codable, Equatable, Sendable {
    package var sha256: String
    package var problem: String
    /// The submissions whose versions refer to the file ("exhibition/id").
    package var submissions: [String]
  }
  package var ok: Bool
  package var quick: Bool
  package var checked: Int
  package var missing: [Item]
  package var corrupt: [Item]
  package var orphans: [Item]
  package var catalog: [String]
}

extension SalonArchive {
  /// Re-hashes every stored file (or, `quick`, checks sizes), checks that every reference in the
  /// catalog resolves and that nothing unknown sits in the store. A file stored inside its zip
  /// (`StoredFile`) is vouched for by the zip's own hash: a flipped byte anywhere in the zip,
  /// the entry's included, makes the zip corrupt, reported for every submission holding a file
  /// addressed in it.
  /// Progress is (files checked, total), reported from the checking threads one at a time.
  package func verify(quick: Bool, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> FixityReport {
    var catalogProblems: [String] = []
    let integrity = try database.query("PRAGMA quick_check").map { try $0.string("quick_check") }
    if integrity != ["ok"] { catalogProblems += integrity.map { "The catalog database is damaged: \($0)." } }
    let dangling = try database.query(
      """
      SELECT DISTINCT f.sha256 FROM version_file f WHERE f.stored = 1
        AND NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = f.sha256)
        AND NOT EXISTS (SELECT 1 FROM zip_member m WHERE m.sha256 = f.sha256)
      UNION SELECT m.sha256 FROM zip_member m WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = m.zip_sha256)
      """)
    catalogProblems += try dangling.map { try $0.string("sha256") }.map {
      "The catalog refers to a file \($0) it has no record of."
    }

    var owners: [String: Set<String>] = [:]
    for row in try database.query(
      """
      SELECT v.zip_sha256 AS sha256, e.slug || '/' || s.key AS owner FROM version v
        JOIN submission s ON s.id = v.submission_id JOIN exhibition e ON e.id = s.exhibition_id
      UNION SELECT f.sha256, e.slug || '/' || s.key FROM version_file f JOIN version v ON v.id = f.version_id
        JOIN submission s ON s.id = v.submission_id JOIN exhibition e ON e.id = s.exhibition_id WHERE f.stored = 1
      UNION SELECT m.zip_sha256, e.slug || '/' || s.key FROM version_file f JOIN zip_member m ON m.sha256 = f.sha256
        JOIN version v ON v.id = f.version_id JOIN submission s ON s.id = v.submission_id
        JOIN exhibition e ON e.id = s.exhibition_id WHERE f.stored = 1
      """)
    {
      owners[try row.string("sha256"), default: []].insert(try row.string("owner"))
    }
    let blobs = try database.query("SELECT sha256, size FROM blob ORDER BY sha256").map {
      row -> (String, Int) in (try row.string("sha256"), try row.int("size"))
    }
    let results = VerifyResults(count: blobs.count)
    let urls = blobs.map { storedFileURL(sha256: $0.0) }
    DispatchQueue.concurrentPerform(iterations: blobs.count) { index in
      defer { results.finished { progress?($0, blobs.count) } }
      let (sha, size) = blobs[index]
      let url = urls[index]
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
        let actual = (attributes[.size] as? NSNumber)?.intValue
      else {
        results.set(index, "missing")
        return
      }
      if actual != size {
        results.set(index, "corrupt: \(actual) bytes where \(size) were stored")
      } else if !quick, let digest = SHA256Hasher.hash(fileAt: url), digest != sha {
        results.set(index, "corrupt: its content no longer matches its SHA-256")
      }
    }
    var missing: [FixityReport.Item] = []
    var corrupt: [FixityReport.Item] = []
    let problems = results.problems
    for (index, (sha, _)) in blobs.enumerated() {
      guard let problem = problems[index] else { continue }
      let item = FixityReport.Item(sha256: sha, problem: problem, submissions: (owners[sha] ?? []).sorted())
      if problem == "missing" { missing.append(item) } else { corrupt.append(item) }
    }
    // Files of a salon still running are on their way in, not orphans.
    let inFlight = Set(
      try database.query("SELECT sha256, pid FROM pending_file").compactMap { row -> String? in
        // A pid that no process can have is not a running salon.
        guard let pid = pid_t(exactly: try row.int("pid")), kill(pid, 0) == 0 else { return nil }
        return try row.string("sha256")
      })
    let known = Set(blobs.map(\.0))
    var orphans: [FixityReport.Item] = []
    if let enumerator = FileManager.default.enumerator(atPath: storeRoot.path) {
      while let path = enumerator.nextObject() as? String {
        let name = (path as NSString).lastPathComponent
        var isFolder: ObjCBool = false
        FileManager.default.fileExists(atPath: storeRoot.appendingPathComponent(path).path, isDirectory: &isFolder)
        if isFolder.boolValue || known.contains(name) || inFlight.contains(name) { continue }
        orphans.append(.init(sha256: name, problem: "not in the catalog", submissions: []))
      }
    }
    orphans.sort { $0.sha256 < $1.sha256 }
    return FixityReport(
      ok: missing.isEmpty && corrupt.isEmpty && orphans.isEmpty && catalogProblems.isEmpty, quick: quick,
      checked: blobs.count, missing: missing, corrupt: corrupt, orphans: orphans, catalog: catalogProblems)
  }

}

/// What verify's parallel workers found, one slot per file, and how many are done.
private final class VerifyResults: Sendable {
  private struct State {
    var problems: [String?]
    var done = 0
  }
  private let state: Mutex<State>
  init(count: Int) { state = Mutex(State(problems: Array(repeating: nil, count: count))) }
  var problems: [String?] { state.withLock { $0.problems } }
  func set(_ index: Int, _ problem: String) { state.withLock { $0.problems[index] = problem } }
  /// Counts one more file checked and reports the count, under the lock.
  func finished(_ report: (Int) -> Void) {
    state.withLock {
      $0.done += 1
      report($0.done)
    }
  }
}
