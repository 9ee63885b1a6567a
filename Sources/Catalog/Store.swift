import Basics
import Foundation
import Hashing
import Synchronization

/// A file being written into the archive's `tmp/`, hashed as it is written. It becomes part of
/// the store only through `SalonArchive.keep(_:)`; otherwise it is discarded.
/// Unchecked Sendable: each file is used by one thread at a time (the store flushes distinct
/// files in parallel, never one file from two threads).
public final class TemporaryFile: @unchecked Sendable {
  package let url: URL
  private var descriptor: Int32
  private let hasher = SHA256Hasher()
  package private(set) var size = 0
  private var writebackStart = 0
  private let writebackChunk = 8 << 20
  package private(set) var sha256: String?
  private var flushed = false
  /// Whether the file is on its way into the store (written back as it grows) or only a
  /// decoder's unpacked copy, read once and removed, which never needs to reach the disk.
  private let durable: Bool

  init(directory: URL, durable: Bool = true) throws {
    self.durable = durable
    let name = "incoming-\(getpid())-\(UUID().uuidString)"
    url = directory.appendingPathComponent(name)
    descriptor = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
    if descriptor < 0 {
      throw FileProblem.sentence(errno: errno, path: directory.path, writing: true)
    }
  }

  deinit {
    if descriptor >= 0 { Glibc.close(descriptor) }
    if !flushed && !handedOver { unlink(url.path) }
  }

  private var handedOver = false

  /// The finished file's path, now the caller's to remove (an unpacked copy for a reader).
  package func handOver() -> String {
    if descriptor >= 0 {
      Glibc.close(descriptor)
      descriptor = -1
    }
    handedOver = true
    return url.path
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    try hasher.update(bytes)
    let failure = writeAll(descriptor, bytes)
    if failure != 0 {
      throw FileProblem.sentence(
        errno: failure, path: url.deletingLastPathComponent().deletingLastPathComponent().path, writing: true)
    }
    size += bytes.count
    // Start writing back every few megabytes, so the final fsync has little left to wait for.
    if durable && size - writebackStart >= writebackChunk {
      startWriteback(descriptor, offset: writebackStart, length: size - writebackStart)
      writebackStart = size
    }
  }

  /// The SHA-256 of everything written; nothing more may be written after. The descriptor is
  /// closed here, its writeback started: a batch can hold thousands of finished files, and a
  /// descriptor each would run out under the usual limit (1,024); `flushToDisk` reopens the file.
  @discardableResult
  package func finish() throws -> String {
    if let sha256 { return sha256 }
    let digest = try hasher.finalize()
    sha256 = digest
    if descriptor >= 0 {
      startFinalWriteback()
      Glibc.close(descriptor)
      descriptor = -1
    }
    return digest
  }

  /// Starts writing back what is not yet on its way, without waiting, so that the flushes of a
  /// batch of files overlap.
  func startFinalWriteback() {
    guard durable, descriptor >= 0, size > writebackStart else { return }
    startWriteback(descriptor, offset: writebackStart, length: size - writebackStart)
    writebackStart = size
  }

  private let flushLock = NSLock()

  /// Flushes the file to disk (once), through a descriptor open only for the flush. A second
  /// caller waits for a flush already under way (ingest starts a large zip's flush early, so it
  /// overlaps the decoders).
  package func flushToDisk() throws {
    try flushLock.withLock { try flushOnce() }
  }

  private func flushOnce() throws {
    try finish()
    guard !flushed else { return }
    let reopened = Glibc.open(url.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    if reopened < 0 || fsync(reopened) != 0 {
      let failure = errno
      if reopened >= 0 { Glibc.close(reopened) }
      throw FileProblem.sentence(
        errno: failure, path: url.deletingLastPathComponent().deletingLastPathComponent().path, writing: true)
    }
    Glibc.close(reopened)
    flushed = true
  }

  /// Removes the file; called for everything a rejected submission unpacked.
  package func discard() {
    if descriptor >= 0 {
      Glibc.close(descriptor)
      descriptor = -1
    }
    unlink(url.path)
  }
}

extension SalonArchive {
  /// A file in `tmp/`: `durable` for one that will be kept in the store, else a copy for the
  /// decoders only (unpacked entries, read by the confined tools and removed: not archive bytes).
  public func makeTemporaryFile(durable: Bool = true) throws -> TemporaryFile {
    try TemporaryFile(directory: temporaryRoot, durable: durable)
  }

  package func storedFileURL(sha256: String) -> URL {
    let prefix = String(sha256.prefix(2))
    return storeRoot.appendingPathComponent(prefix).appendingPathComponent(sha256)
  }

  /// Moves finished temporary files into the store under their hashes, each flushed (in
  /// parallel: the disk does the waiting) and its folder flushed, before any catalog row points
  /// at them. A file already stored under that hash is kept as it is: stored content is never
  /// overwritten.
  @discardableResult
  public func keep(_ files: [TemporaryFile]) throws -> [(sha256: String, size: Int)] {
    // Announce the files first: if this process dies before the catalog refers to them, the
    // next run finds them in pending_file and removes what nothing refers to.
    try database.transaction {
      for file in files {
        try database.run(
          "INSERT OR IGNORE INTO pending_file (sha256, pid, started_at) VALUES (?, ?, ?)",
          [try file.finish(), Int(getpid()), Clock.now()])
      }
    }
    let failures = FlushFailures()
    for file in files { file.startFinalWriteback() }
    Self.waitInParallel(files.count, width: DescriptorBudget.flushWidth) { index in
      do { try files[index].flushToDisk() } catch { failures.record(error) }
    }
    if let error = failures.first { throw error }
    var kept: [(sha256: String, size: Int)] = []
    var folders = Set<URL>()
    for file in files {
      let sha256 = try file.finish()
      let target = storedFileURL(sha256: sha256)
      let folder = target.deletingLastPathComponent()
      kept.append((sha256, file.size))
      if FileManager.default.fileExists(atPath: target.path) {
        file.discard()
        continue
      }
      try OwnerOnly.makeFolder(folder.path)
      // link() fails rather than replace an existing file, unlike rename().
      if link(file.url.path, target.path) != 0 && errno != EEXIST {
        throw FileProblem.sentence(errno: errno, path: folder.path, writing: true)
      }
      unlink(file.url.path)
      // Read-only, so nothing rewrites what the catalog's hashes vouch for; the owner's alone.
      chmod(target.path, 0o400)
      folders.insert(folder)
    }
    let folderList = Array(folders)
    Self.waitInParallel(folderList.count, width: DescriptorBudget.flushWidth) { index in
      Self.syncDirectory(folderList[index])
    }
    return kept
  }

  /// Runs `body` for 0..<count on up to `width` (at most 16) threads. Each call mostly waits for the disk (fsync),
  /// and flushes waiting together are committed by the file system's journal together, so more
  /// threads than cores help: a batch of files costs a few journal commits, not one each.
  static func waitInParallel(_ count: Int, width: Int = 16, _ body: @escaping @Sendable (Int) -> Void) {
    guard count > 1 else {
      if count == 1 { body(0) }
      return
    }
    let next = FlushCounter()
    let group = DispatchGroup()
    for _ in 0..<max(1, min(count, width, 16)) {
      group.enter()
      Thread.detachNewThread {
        while let index = next.take(below: count) { body(index) }
        group.leave()
      }
    }
    group.wait()
  }

  /// Records a stored file in the catalog (inside the caller's transaction); a file already
  /// recorded keeps its row (the catalog refuses any insert over an existing one).
  package func registerBlob(sha256: String, size: Int) throws {
    try database.run(
      """
      INSERT INTO blob (sha256, size, stored_at) SELECT ?, ?, ?
        WHERE NOT EXISTS (SELECT 1 FROM blob WHERE sha256 = ?)
      """, [sha256, size, Clock.now(), sha256])
  }

  /// Clears this process's pending files once the catalog refers to them (call inside the
  /// transaction that records them).
  package func settlePendingFiles() throws {
    try database.run("DELETE FROM pending_file WHERE pid = ?", [Int(getpid())])
  }

  /// Finishes what a killed run left: files moved into the store for a catalog row that never
  /// committed are removed, unless something else refers to them; `tmp/` is emptied.
  package func recoverInterruptedRuns() throws {
    clearTemporaryFiles()
    try database.transaction {
      let pending = try database.query("SELECT sha256, pid FROM pending_file")
      for row in pending {
        let sha = try row.string("sha256")
        let pid = try row.int("pid")
        if pid != Int(getpid()) && kill(pid_t(pid), 0) == 0 { continue }
        // Another salon still running may be storing the same content: leave it to that one.
        let sharers = try database.query("SELECT pid FROM pending_file WHERE sha256 = ? AND pid != ?", [sha, pid])
          .map { try $0.int("pid") }.filter { $0 == Int(getpid()) || kill(pid_t($0), 0) == 0 }
        if sharers.isEmpty, try database.queryOne("SELECT 1 AS x FROM blob WHERE sha256 = ?", [sha]) == nil {
          let url = storedFileURL(sha256: sha)
          chmod(url.path, 0o644)
          unlink(url.path)
        }
        try database.run("DELETE FROM pending_file WHERE sha256 = ? AND pid = ?", [sha, pid])
      }
    }
  }

  /// Empties `tmp/`: whatever is there was left by an interrupted run and was never referenced.
  package func clearTemporaryFiles() {
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: temporaryRoot.path) else { return }
    for name in names where name.hasPrefix("incoming-") {
      // Leave files of a process that is still running (a concurrent salon).
      let parts = name.split(separator: "-")
      if parts.count > 1, let pid = Int32(parts[1]), pid != getpid(), kill(pid, 0) == 0 { continue }
      unlink(temporaryRoot.appendingPathComponent(name).path)
    }
  }

  static func syncDirectory(_ url: URL) {
    let descriptor = Glibc.open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    defer { Glibc.close(descriptor) }
    _ = fsync(descriptor)
  }
}

/// Hands out indices to the flushing threads.
/// The next file to flush, handed out once each to the parallel flushers.
private final class FlushCounter: Sendable {
  private let next = Mutex(0)
  func take(below count: Int) -> Int? {
    next.withLock { next in
      guard next < count else { return nil }
      defer { next += 1 }
      return next
    }
  }
}

/// Errors from parallel flushes, collected under a lock.
/// What the parallel flushers failed with; the first is reported.
private final class FlushFailures: Sendable {
  private let errors = Mutex<[any Error]>([])
  func record(_ error: any Error) { errors.withLock { $0.append(error) } }
  var first: (any Error)? { errors.withLock { $0.first } }
}

/// Writes a temporary file on a background thread, so that hashing and writing the zip as
/// received overlaps with unpacking it (the machines have two cores). Memory stays bounded and
/// allocation-free: blocks are copied into a fixed ring of reusable buffers.
package final class BackgroundWriter: @unchecked Sendable {
  private let file: TemporaryFile
  private let queue = DispatchQueue(label: "salon.background-writer")
  private let free: DispatchSemaphore
  private let lock = NSLock()
  private var failure: Error?
  private var buffers: [UnsafeMutableRawBufferPointer]
  private var available: [Int]

  package init(_ file: TemporaryFile, depth: Int = 8, blockSize: Int = 1 << 20) {
    self.file = file
    self.free = DispatchSemaphore(value: depth)
    self.buffers = (0..<depth).map { _ in .allocate(byteCount: blockSize, alignment: 64) }
    self.available = Array(0..<depth)
  }

  deinit {
    queue.sync {}
    for buffer in buffers { buffer.deallocate() }
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      if let failure = lock.withLock({ failure }) { throw failure }
      free.wait()
      let index = lock.withLock { available.removeLast() }
      let buffer = buffers[index]
      let length = min(buffer.count, bytes.count - offset)
      buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: length)
      offset += length
      queue.async { [self] in
        do {
          try file.write(UnsafeRawBufferPointer(rebasing: buffers[index][0..<length]))
        } catch {
          lock.withLock { failure = error }
        }
        lock.withLock { available.append(index) }
        free.signal()
      }
    }
  }

  /// Waits for every queued block, and throws the first write error.
  package func finish() throws {
    queue.sync {}
    if let failure = lock.withLock({ failure }) { throw failure }
  }
}

// sync_file_range is Linux-only and hidden behind _GNU_SOURCE, which Swift's Glibc module does not
// set; it is looked up once at run time instead.
private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
private let syncFileRange: SyncFileRange? = {
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
  return unsafeBitCast(symbol, to: SyncFileRange.self)
}()

/// Asks the kernel to start writing a range to disk now, without waiting (SYNC_FILE_RANGE_WRITE).
private func startWriteback(_ descriptor: Int32, offset: Int, length: Int) {
  _ = syncFileRange?(descriptor, Int64(offset), Int64(length), 2)
}
