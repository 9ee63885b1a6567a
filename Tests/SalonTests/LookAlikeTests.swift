import Basics
import Foundation
import Testing

@testable import Jury

/// Issue 21: an artist cannot slip past a juror's name or address with invisible or look-alike
/// characters, and the terminal shows what was hidden.
@Suite struct LookAlikeJuryTests {
  /// A call whose artists imitate juror Ada Okafor (ada.okafor@gmail.com) five ways, and one
  /// real stranger.
  struct Call {
    let scratch = Scratch()
    var archive: String { scratch.path("archive") }
    static let artists: [(id: String, artists: String, email: String)] = [
      ("1", "Ada O\u{200B}kafor", "studio1@example.org"),  // zero-width space
      ("2", "Ada Okaf\u{043E}r", "studio2@example.org"),  // Cyrillic о
      ("3", "Ben Mensah", "ada.okafor+art@gmail.com"),  // +tag
      ("4", "Cy Dlamini", "adaokafor@googlemail.com"),  // Gmail dots and googlemail.com
      ("5", "Ada 0kafor", "studio5@example.org"),  // digit zero: ASCII look-alike
      ("6", "Dee Stranger", "dee@example.org"),
      ("7", "\u{FF21}da Okafor", "studio7@example.org"),  // full-width A (NFKC)
      ("8", "Ada Okafor", "ada.okafor@gm\u{0430}il.com"),  // plain name, Cyrillic а in the domain
    ]

    func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

    func setUp() throws {
      #expect(try salon("init", "--title", "Look-alike Salon", "--year", "2026").status == 0)
      var form = "id,title,artists,email,rights,authorship\r\n"
      for a in Self.artists {
        scratch.zip("in/\(a.id).zip", Parts.valid(a.id))
        form += "\(a.id),Work \(a.id),\(a.artists),\(a.email),yes,yes\r\n"
      }
      scratch.write("form.csv", form)
      let ingest = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
      #expect(ingest.status == 0, "\(ingest.stderr)")
    }
  }

  @Test func invisibleCyrillicAndTaggedLookAlikesRaiseAConflictOrACheck() throws {
    let call = Call()
    try call.setUp()
    let added = try call.salon("jury", "add", "Ada Okafor", "--email", "ada.okafor@gmail.com")
    #expect(added.status == 0, "\(added.stderr)")
    // Adding the juror names the blocking conflicts, with the hidden character shown.
    #expect(added.stdout.contains("Ada O\\u{200B}kafor"), "\(added.stdout)")

    let run = try call.salon("jury", "conflicts", "--json")
    #expect(run.status == 0, "\(run.stderr)")
    let list = try #require(try Binary.json(run) as? [[String: Any]])
    var kinds: [String: String] = [:]
    for c in list where c["juror"] as? String == "ada-okafor" {
      kinds[c["submission"] as! String] = c["kind"] as? String
    }
    #expect(kinds["1"] == "automatic", "zero-width space: \(list)")
    #expect(kinds["2"] == "automatic", "Cyrillic о: \(list)")
    #expect(kinds["3"] == "automatic", "+tag: \(list)")
    #expect(kinds["4"] == "check", "Gmail dots and googlemail.com: \(list)")
    #expect(kinds["5"] == "check", "digit zero for o: \(list)")
    #expect(kinds["6"] == nil, "a stranger: \(list)")
    #expect(kinds["7"] == "automatic", "full-width letter: \(list)")
    #expect(kinds["8"] == "automatic", "the plain name, whatever the address: \(list)")

    // The terminal shows the zero-width space and names the Cyrillic letter.
    let text = try call.salon("jury", "conflicts")
    #expect(text.stdout.contains("Ada O\\u{200B}kafor"), "\(text.stdout)")
    #expect(!text.stdout.unicodeScalars.contains("\u{200B}"))
    #expect(text.stdout.contains("U+043E CYRILLIC SMALL LETTER O"), "\(text.stdout)")
    #expect(text.stdout.contains("ada.okafor+art@gmail.com"), "\(text.stdout)")
    #expect(text.stdout.contains("U+FF21 FULLWIDTH LATIN CAPITAL LETTER A"), "\(text.stdout)")
    let shown = try call.salon("submissions", "show", "1")
    #expect(shown.stdout.contains("Ada O\\u{200B}kafor"), "\(shown.stdout)")

    // Blocking conflicts keep the juror off those works; the checks block nothing.
    #expect(try call.salon("jury", "add", "Ben Juror").status == 0)
    for id in Call.artists.map(\.id) { #expect(try call.salon("submissions", "decide", id, "selected").status == 0) }
    let assigned = try call.salon("jury", "assign", "--json")
    #expect(assigned.status == 0, "\(assigned.stderr)")
    let sheet = try call.salon("jury", "sheet", "ada-okafor", "-o", call.scratch.path("ada.csv"))
    #expect(sheet.status == 0, "\(sheet.stderr)")
    let rows = (try? String(contentsOfFile: call.scratch.path("ada.csv"), encoding: .utf8)) ?? ""
    let ids = Set(
      rows.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        return fields.count > 2 ? String(fields[2]) : nil
      })
    #expect(ids.isDisjoint(with: ["1", "2", "3", "7", "8"]), "\(rows)")
    #expect(ids.isSuperset(of: ["4", "5", "6"]), "\(rows)")
  }

  @Test func theFoldedReadingKeepsPlainNamesAndFoldsLookAlikes() {
    #expect(LookAlike.folded("Ada O\u{200B}kafor") == "ada okafor")
    #expect(LookAlike.folded("Ada Okaf\u{043E}r") == "ada okafor")
    #expect(LookAlike.folded("\u{0410}DA \u{FF2F}KAFOR") == "ada okafor")
    #expect(LookAlike.folded("Mára Ilves") == "mara ilves")
    #expect(LookAlike.folded("Mara") == "mara", "ASCII stays as written")
    #expect(LookAlike.skeleton("Mara") == LookAlike.skeleton("Rnara"))
    #expect(LookAlike.skeleton("Ada 0kafor") == LookAlike.skeleton("Ada Okafor"))
    #expect(LookAlike.email(" Ada.Okafor+Art@Example.org ") == "ada.okafor@example.org")
    #expect(LookAlike.email("+x@example.org") == "+x@example.org", "a name that is all tag stays")
    #expect(LookAlike.gmailMailbox("a.d.a@googlemail.com") == "ada@gmail.com")
    #expect(LookAlike.gmailMailbox("a.d.a@example.org") == nil)
    #expect(
      LookAlike.disguises("Okaf\u{043E}r O\u{200B}") == ["U+043E CYRILLIC SMALL LETTER O", "U+200B ZERO WIDTH SPACE"])
    #expect(LookAlike.disguises("Łukasz Żółć, Zoë") == [], "Latin letters are letters, not disguises")
    // Real names that only share letters stay apart.
    #expect(Jury.people(in: "Ana Okafor").first?.names != Jury.people(in: "Ada Okafor").first?.names)
  }

  @Test func theTerminalShowsFormatCharactersButKeepsEmoji() {
    #expect(TerminalText.visible("Ada O\u{200B}kafor") == "Ada O\\u{200B}kafor")
    #expect(TerminalText.visible("soft\u{AD}hyphen\u{FEFF}") == "soft\\u{AD}hyphen\\u{FEFF}")
    #expect(TerminalText.visible("👩‍🎨 and ❤️‍🔥") == "👩‍🎨 and ❤️‍🔥")
    #expect(TerminalText.visible("a\u{200D}b") == "a\\u{200D}b")
  }
}
