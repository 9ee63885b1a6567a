/// The one rule for turning `--media-time-limit` (processor seconds a tool may burn on one file)
/// into limits: the wall clock allows three times that and at least 30 s more, so a busy machine
/// (other jobs on the same cores) does not turn a valid file into a time-out and a short limit
/// is still reached as processor time, while a tool that waits forever is stopped. Processor
/// time is counted in whole seconds (RLIMIT_CPU), so a limit under a second is kept by the clock
/// alone, at three times its length. Ingest and export both use it.
extension SandboxLimits {
  package init(processorSeconds seconds: Double, memoryBytes: Int = 4 << 30, fileBytes: Int = 2 << 30) {
    let processor = seconds.isFinite ? min(max(seconds, 0.01), 86_400) : 60
    self.init(
      wallSeconds: processor < 1 ? processor * 3 : max(processor * 3, processor + 30),
      cpuSeconds: Int(processor.rounded(.up)),
      memoryBytes: memoryBytes,
      fileBytes: fileBytes)
  }
}
