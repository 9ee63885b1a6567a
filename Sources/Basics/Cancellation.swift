import Synchronization

/// Asks long work to stop: the command line cancels it from its Ctrl-C handler, ingest polls it in
/// every long loop and throws `Interrupted`, discarding what it was writing. An atomic flag, so
/// setting it is safe from a signal handler and reading it is safe from any thread.
public final class Cancellation: Sendable {
  private let requested = Atomic<Bool>(false)

  package init() {}

  /// A token nobody cancels, for callers with no Ctrl-C of their own (the demo, the fuzzers).
  public static let never = Cancellation()

  package func cancel() { requested.store(true, ordering: .relaxed) }

  package var isCancelled: Bool { requested.load(ordering: .relaxed) }

  /// Throws `Interrupted` once cancelled.
  package func check() throws {
    if isCancelled { throw Interrupted() }
  }
}

package struct Interrupted: Error, CustomStringConvertible {
  package init() {}
  package var description: String { "Interrupted; the submission being read was not recorded." }
}
