import Foundation

/// Wall time and peak memory of a child process, from wait4's resource usage.
struct Measurement {
  var seconds: Double
  /// User plus system CPU time: less sensitive than wall time to other work on the machine.
  var cpuSeconds: Double = 0
  var peakMemoryMB: Double
  var status: Int32
}

enum Measure {
  /// Runs `arguments` (first is the program, looked up on PATH) with output discarded.
  static func run(_ arguments: [String], environment: [String: String] = [:], output: String = "/dev/null") throws
    -> Measurement
  {
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
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let cpu =
      Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
      + Double(usage.ru_stime.tv_usec) / 1e6
    return Measurement(seconds: seconds, cpuSeconds: cpu, peakMemoryMB: Double(usage.ru_maxrss) / 1024, status: exit)
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
