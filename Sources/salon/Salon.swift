import SalonCLI

@main
enum Salon {
  static func main() { SalonCommand.exitAfterRunning(CommandLine.arguments) }
}
