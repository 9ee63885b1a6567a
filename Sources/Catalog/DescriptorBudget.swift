import Foundation

/// How many files Salon opens at once when it stores many, from the process's limit on open
/// descriptors (`ulimit -n`, RLIMIT_NOFILE): a batch of thousands of files must never fail with
/// "Too many open files" and lose a zip, under the usual soft limit of 1,024 or a lower one.
package enum DescriptorBudget {
  /// The soft limit on open descriptors, read once.
  package static let limit: Int = {
    var limits = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 1024 }
    return Int(min(limits.rlim_cur, 1 << 20))  // RLIM_INFINITY is the largest value
  }()

  /// Descriptors kept for everything but the store's flushing: the standard streams, the catalog
  /// and its journal, the zip being read and the file being unpacked (each closed when written),
  /// the media tools' pipes and sandbox, and some to spare.
  package static let reserved = 40

  /// Files the store flushes at once (16 on a usual limit: enough for the disk's queue), each
  /// through a descriptor open only for its flush; never fewer than one.
  package static var flushWidth: Int { max(1, min(16, limit - reserved)) }
}
