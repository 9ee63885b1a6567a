import Foundation

/// Wall time and peak memory of a child process, from wait4's resource usage.
struct Measurement {
  var seconds: Double
  /// User plus system CPU time: less sensitive than wall time to other work on the machine.
  var cpuSeconds: Double = 0
  var peakMemoryMB: Double
  var status: Int32
  /// With `sampleTree`: the process's own peak resident set (VmHWM), and the most resident
  /// memory it and its descendants held at once, sampled every 50 ms.
  var selfPeakMB: Double = 0
  var treePeakMB: Double = 0
}

/// Samples a process and its descendants from /proc while it runs.
final class TreeSampler: @unchecked Sendable {
  let root: pid_t
  private let lock = NSLock()
  private var stopped = false
  private var selfPeakKB = 0
  private var treePeakKB = 0
  private let done = DispatchSemaphore(value: 0)

  init(root: pid_t) {
    self.root = root
    Thread.detachNewThread { [self] in
      while !lock.withLock({ stopped }) {
        sample()
        usleep(50_000)
      }
      done.signal()
    }
  }

  /// Stops sampling; returns (own peak, tree peak) in MB.
  func finish() -> (Double, Double) {
    lock.withLock { stopped = true }
    done.wait()
    return lock.withLock { (Double(selfPeakKB) / 1024, Double(treePeakKB) / 1024) }
  }

  static func status(_ pid: pid_t, _ field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
    return line.split(separator: " ").compactMap { Int($0) }.first
  }

  static func parent(_ pid: pid_t) -> pid_t? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = text.lastIndex(of: ")")
    else { return nil }
    // After the command name: state, then the parent's id.
    let fields = text[text.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? pid_t(fields[1]) : nil
  }

  private func sample() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var children: [pid_t: [pid_t]] = [:]
    for name in names {
      guard let pid = pid_t(name), let parent = Self.parent(pid) else { continue }
      children[parent, default: []].append(pid)
    }
    var total = 0
    var queue = [root]
    while let pid = queue.popLast() {
      total += Self.status(pid, "VmRSS") ?? 0
      queue += children[pid] ?? []
    }
    let own = Self.status(root, "VmHWM") ?? 0
    lock.withLock {
      selfPeakKB = max(selfPeakKB, own)
      treePeakKB = max(treePeakKB, total)
    }
  }
}

enum Measure {
  /// Runs `arguments` (first is the program, looked up on PATH) with output discarded.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], output: String = "/dev/null", sampleTree: Bool = false
  ) throws -> Measurement {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    let start = DispatchTime.now()
    let rc = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
    guard rc == 0 else { throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
    let sampler = sampleTree ? TreeSampler(root: pid) : nil
    var status: Int32 = 0
    var usage = rusage()
    // The process stays a zombie (its /proc entry readable) until reaped: wait for its exit
    // without reaping, take the last sample, then reap.
    if sampler != nil {
      var info = siginfo_t()
      while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
    }
    let exited = DispatchTime.now()
    let peaks = sampler?.finish() ?? (0, 0)
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let end = sampler == nil ? DispatchTime.now() : exited
    let seconds = Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let cpu =
      Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
      + Double(usage.ru_stime.tv_usec) / 1e6
    return Measurement(
      seconds: seconds, cpuSeconds: cpu, peakMemoryMB: Double(usage.ru_maxrss) / 1024, status: exit,
      selfPeakMB: peaks.0, treePeakMB: peaks.1)
  }

  /// User plus system CPU of every child this process has reaped so far.
  static func childrenCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
      + Double(usage.ru_stime.tv_usec) / 1e6
  }

  /// The median of `runs` measurements, each after `prepare`.
  static func median(runs: Int, prepare: () throws -> Void = {}, _ body: () throws -> Measurement) throws -> Measurement
  {
    var results: [Measurement] = []
    for _ in 0..<runs {
      try prepare()
      let m = try body()
      guard m.status == 0 else { throw BenchError("a measured command failed with status \(m.status)") }
      results.append(m)
    }
    results.sort { $0.seconds < $1.seconds }
    return results[results.count / 2]
  }
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
