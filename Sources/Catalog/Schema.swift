import SQLite

/// Versioned schema migrations, applied in order; `PRAGMA user_version` records the last one.
/// A migration is never edited once released: a change is a new migration.
let migrations: [String] = [
  // 1: exhibitions, the content-addressed store, submissions with versions, the event log.
  """
  CREATE TABLE exhibition (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    max_zip_bytes INTEGER NOT NULL,
    max_video_seconds REAL NOT NULL,
    max_description_pages INTEGER NOT NULL,
    max_pixels INTEGER NOT NULL,
    max_entries INTEGER NOT NULL,
    max_unpacked_bytes INTEGER NOT NULL,
    prize_amount REAL NOT NULL,
    prize_currency TEXT NOT NULL
  );
  CREATE TABLE criterion (
    exhibition_id INTEGER NOT NULL REFERENCES exhibition(id),
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    weight REAL NOT NULL CHECK (weight > 0),
    scale_min INTEGER NOT NULL,
    scale_max INTEGER NOT NULL CHECK (scale_max > scale_min),
    position INTEGER NOT NULL,
    PRIMARY KEY (exhibition_id, key)
  );
  CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    stored_at TEXT NOT NULL
  );
  CREATE TABLE submission (
    id INTEGER PRIMARY KEY,
    exhibition_id INTEGER NOT NULL REFERENCES exhibition(id),
    key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (exhibition_id, key)
  );
  CREATE TABLE version (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    number INTEGER NOT NULL,
    zip_name TEXT NOT NULL,
    zip_sha256 TEXT NOT NULL REFERENCES blob(sha256),
    zip_size INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    received_at TEXT NOT NULL,
    has_declarations INTEGER NOT NULL,
    title TEXT, artists TEXT, email TEXT, medium TEXT, statement TEXT, alt_text TEXT, link TEXT,
    previously_published TEXT NOT NULL DEFAULT 'unknown',
    prior_venue TEXT,
    under_review TEXT NOT NULL DEFAULT 'unknown',
    rights_granted TEXT NOT NULL DEFAULT 'unknown',
    authorship_affirmed TEXT NOT NULL DEFAULT 'unknown',
    ai_use TEXT NOT NULL DEFAULT 'unknown',
    ai_statement TEXT,
    UNIQUE (submission_id, number)
  );
  CREATE TABLE version_file (
    version_id INTEGER NOT NULL REFERENCES version(id),
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    role TEXT NOT NULL,
    number INTEGER,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    stored INTEGER NOT NULL,
    width INTEGER, height INTEGER, duration REAL, pages INTEGER,
    PRIMARY KEY (version_id, position)
  );
  CREATE TABLE finding (
    version_id INTEGER NOT NULL REFERENCES version(id),
    position INTEGER NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('problem', 'warning')),
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    file TEXT,
    PRIMARY KEY (version_id, position)
  );
  CREATE TABLE decision (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    decision TEXT NOT NULL CHECK (decision IN ('selected', 'declined')),
    note TEXT,
    decided_at TEXT NOT NULL
  );
  CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    exhibition_id INTEGER REFERENCES exhibition(id),
    submission_id INTEGER REFERENCES submission(id),
    detail TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX event_submission ON event(submission_id);
  CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- The record of what was received and decided is append-only, enforced here, not only in Swift.
  CREATE TRIGGER event_no_update BEFORE UPDATE ON event
    BEGIN SELECT RAISE(ABORT, 'the event log cannot be changed'); END;
  CREATE TRIGGER event_no_delete BEFORE DELETE ON event
    BEGIN SELECT RAISE(ABORT, 'the event log cannot be changed'); END;
  CREATE TRIGGER version_no_update BEFORE UPDATE ON version
    BEGIN SELECT RAISE(ABORT, 'a received version cannot be changed'); END;
  CREATE TRIGGER version_no_delete BEFORE DELETE ON version
    BEGIN SELECT RAISE(ABORT, 'a received version cannot be changed'); END;
  CREATE TRIGGER blob_no_update BEFORE UPDATE ON blob
    BEGIN SELECT RAISE(ABORT, 'a stored file cannot be changed'); END;
  CREATE TRIGGER blob_no_delete BEFORE DELETE ON blob
    BEGIN SELECT RAISE(ABORT, 'a stored file cannot be changed'); END;
  CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
    BEGIN SELECT RAISE(ABORT, 'a decision is superseded by a new one, never changed'); END;
  """,
  // 2: the jury: jurors, conflicts, assignments, the history of every score, the prize.
  """
  CREATE TABLE juror (
    id INTEGER PRIMARY KEY,
    exhibition_id INTEGER NOT NULL REFERENCES exhibition(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (exhibition_id, key)
  );
  CREATE TABLE conflict (
    juror_id INTEGER NOT NULL REFERENCES juror(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (juror_id, submission_id)
  );
  CREATE TABLE assignment (
    juror_id INTEGER NOT NULL REFERENCES juror(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (juror_id, submission_id)
  );
  -- Every change of a score is a new row; the latest row for a juror, work and criterion counts.
  CREATE TABLE score_change (
    id INTEGER PRIMARY KEY,
    juror_id INTEGER NOT NULL REFERENCES juror(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    criterion TEXT NOT NULL,
    value INTEGER,
    previous INTEGER,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX score_change_work ON score_change(submission_id, juror_id, criterion);
  CREATE TABLE comment_change (
    id INTEGER PRIMARY KEY,
    juror_id INTEGER NOT NULL REFERENCES juror(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    comment TEXT NOT NULL,
    previous TEXT,
    source TEXT NOT NULL,
    time TEXT NOT NULL
  );
  -- The prize is a sequence of awards and reopenings; the latest says whether scoring is locked.
  CREATE TABLE prize_round (
    id INTEGER PRIMARY KEY,
    exhibition_id INTEGER NOT NULL REFERENCES exhibition(id),
    kind TEXT NOT NULL CHECK (kind IN ('award', 'reopen')),
    note TEXT,
    forced INTEGER NOT NULL DEFAULT 0,
    time TEXT NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE TABLE prize_winner (
    round_id INTEGER NOT NULL REFERENCES prize_round(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    amount REAL NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (round_id, submission_id)
  );
  CREATE TABLE mention (
    id INTEGER PRIMARY KEY,
    exhibition_id INTEGER NOT NULL REFERENCES exhibition(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    note TEXT,
    time TEXT NOT NULL
  );
  CREATE TRIGGER score_change_append_only BEFORE UPDATE ON score_change
    BEGIN SELECT RAISE(ABORT, 'score history cannot be changed'); END;
  CREATE TRIGGER score_change_no_delete BEFORE DELETE ON score_change
    BEGIN SELECT RAISE(ABORT, 'score history cannot be changed'); END;
  CREATE TRIGGER comment_change_append_only BEFORE UPDATE ON comment_change
    BEGIN SELECT RAISE(ABORT, 'comment history cannot be changed'); END;
  CREATE TRIGGER comment_change_no_delete BEFORE DELETE ON comment_change
    BEGIN SELECT RAISE(ABORT, 'comment history cannot be changed'); END;
  CREATE TRIGGER prize_round_append_only BEFORE UPDATE ON prize_round
    BEGIN SELECT RAISE(ABORT, 'the prize record cannot be changed'); END;
  CREATE TRIGGER prize_round_no_delete BEFORE DELETE ON prize_round
    BEGIN SELECT RAISE(ABORT, 'the prize record cannot be changed'); END;
  CREATE TRIGGER prize_winner_append_only BEFORE UPDATE ON prize_winner
    BEGIN SELECT RAISE(ABORT, 'the prize record cannot be changed'); END;
  """,
  // 3: files being moved into the store, so a run killed midway can be recovered.
  """
  CREATE TABLE pending_file (
    sha256 TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (sha256, pid)
  );
  """,
  // 4: INSERT OR REPLACE (and REPLACE, and an upsert) would rewrite a row of the append-only
  // record: REPLACE deletes the old row without firing delete triggers. Refuse an existing key
  // before the insert, on every key the table has.
  """
  CREATE TRIGGER event_no_replace BEFORE INSERT ON event
    WHEN EXISTS (SELECT 1 FROM event WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the event log cannot be changed'); END;
  CREATE TRIGGER version_no_replace BEFORE INSERT ON version
    WHEN EXISTS (SELECT 1 FROM version WHERE id = NEW.id OR (submission_id = NEW.submission_id AND number = NEW.number))
    BEGIN SELECT RAISE(ABORT, 'a received version cannot be changed'); END;
  CREATE TRIGGER blob_no_replace BEFORE INSERT ON blob
    WHEN EXISTS (SELECT 1 FROM blob WHERE sha256 = NEW.sha256)
    BEGIN SELECT RAISE(ABORT, 'a stored file cannot be changed'); END;
  CREATE TRIGGER decision_no_replace BEFORE INSERT ON decision
    WHEN EXISTS (SELECT 1 FROM decision WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'a decision is superseded by a new one, never changed'); END;
  CREATE TRIGGER score_change_no_replace BEFORE INSERT ON score_change
    WHEN EXISTS (SELECT 1 FROM score_change WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'score history cannot be changed'); END;
  CREATE TRIGGER comment_change_no_replace BEFORE INSERT ON comment_change
    WHEN EXISTS (SELECT 1 FROM comment_change WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'comment history cannot be changed'); END;
  CREATE TRIGGER prize_round_no_replace BEFORE INSERT ON prize_round
    WHEN EXISTS (SELECT 1 FROM prize_round WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the prize record cannot be changed'); END;
  CREATE TRIGGER prize_winner_no_replace BEFORE INSERT ON prize_winner
    WHEN EXISTS (SELECT 1 FROM prize_winner WHERE round_id = NEW.round_id AND submission_id = NEW.submission_id)
    BEGIN SELECT RAISE(ABORT, 'the prize record cannot be changed'); END;
  """,
  // 5: an exhibition can be hidden from the gallery or removed while empty (mistakes are
  // undoable); each submission's category for the gallery's filters, inferred from the form's
  // medium or chosen by the organiser, the latest choice winning and every choice kept; zips found
  // by their SHA-256, so the same zip under another name is recognised.
  """
  ALTER TABLE exhibition ADD COLUMN state TEXT NOT NULL DEFAULT 'shown'
    CHECK (state IN ('shown', 'hidden', 'removed'));
  CREATE TABLE category_choice (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    category TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('form', 'organiser')),
    medium TEXT,
    time TEXT NOT NULL
  );
  CREATE INDEX category_choice_submission ON category_choice (submission_id, id);
  CREATE INDEX IF NOT EXISTS version_zip_sha256 ON version (zip_sha256);
  CREATE TRIGGER category_choice_no_update BEFORE UPDATE ON category_choice
    BEGIN SELECT RAISE(ABORT, 'a category choice is superseded by a new one, never changed'); END;
  CREATE TRIGGER category_choice_no_delete BEFORE DELETE ON category_choice
    BEGIN SELECT RAISE(ABORT, 'a category choice is superseded by a new one, never changed'); END;
  CREATE TRIGGER category_choice_no_replace BEFORE INSERT ON category_choice
    WHEN EXISTS (SELECT 1 FROM category_choice WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'a category choice is superseded by a new one, never changed'); END;
  """,
  // 6: each score remembers the version of the work it was given to, so a later version is
  // flagged; a juror removed from the jury keeps their history but leaves the standings.
  """
  ALTER TABLE score_change ADD COLUMN version INTEGER;
  CREATE TABLE juror_removal (
    juror_id INTEGER PRIMARY KEY REFERENCES juror(id),
    reason TEXT NOT NULL,
    time TEXT NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE TRIGGER juror_removal_no_update BEFORE UPDATE ON juror_removal
    BEGIN SELECT RAISE(ABORT, 'the jury record cannot be changed'); END;
  CREATE TRIGGER juror_removal_no_delete BEFORE DELETE ON juror_removal
    BEGIN SELECT RAISE(ABORT, 'the jury record cannot be changed'); END;
  CREATE TRIGGER juror_removal_no_replace BEFORE INSERT ON juror_removal
    WHEN EXISTS (SELECT 1 FROM juror_removal WHERE juror_id = NEW.juror_id)
    BEGIN SELECT RAISE(ABORT, 'the jury record cannot be changed'); END;
  """,
  // 7: indexes for the reads every large call makes (checked with EXPLAIN QUERY PLAN): a work's
  // latest decision was a scan of every decision, so listing or exporting all works grew with the
  // square of the call; a juror's latest comment on a work scanned every comment.
  """
  CREATE INDEX decision_submission ON decision(submission_id, id);
  CREATE INDEX comment_change_work ON comment_change(submission_id, juror_id, id);
  CREATE INDEX submission_key_nocase ON submission(exhibition_id, key COLLATE NOCASE);
  CREATE INDEX mention_exhibition ON mention(exhibition_id, id);
  CREATE INDEX prize_round_exhibition ON prize_round(exhibition_id, id);
  """,
  // 8: the organiser's choice for a supplementary file a decoder finds damaged: warn (0) or reject (1).
  """
  ALTER TABLE exhibition ADD COLUMN reject_damaged_supplementary INTEGER NOT NULL DEFAULT 0;
  """,
  // 9: one number that every change to any table raises, so an export can tell in one read that
  // nothing it publishes changed since it last ran. A table added later gets the same triggers
  // (`countedTables`; a test checks that every table has them).
  "CREATE TABLE catalog_change (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL);\n"
    + "INSERT INTO catalog_change (id, count) VALUES (1, 0);\n" + changeCountingTriggers(countedTables),
  // 10: every limit on measured facts. An audio duration limit (ten minutes for a call made
  // before it existed too); each file's facts as ingest measured them, so later stages need not
  // probe again: its container, the codec of each audio and video stream, an animation's frames.
  // (`duration` keeps its name; from now on it is measured from the packets, not the header.)
  """
  ALTER TABLE exhibition ADD COLUMN max_audio_seconds REAL NOT NULL DEFAULT 600;
  ALTER TABLE version_file ADD COLUMN container TEXT;
  ALTER TABLE version_file ADD COLUMN codecs TEXT;
  ALTER TABLE version_file ADD COLUMN frames INTEGER;
  """,
  // 11: a decision is for one version, so a new version waits for the organiser's decision
  // rather than inheriting "selected" (a decision recorded before this keeps the version that
  // was the latest when it was made); a declaration corrected without a new version is its own
  // append-only record, the version received stays as it was.
  """
  ALTER TABLE decision ADD COLUMN version INTEGER;
  DROP TRIGGER decision_no_update;
  UPDATE decision SET version = coalesce(
    (SELECT max(number) FROM version v WHERE v.submission_id = decision.submission_id
      AND v.received_at <= decision.decided_at),
    (SELECT min(number) FROM version v WHERE v.submission_id = decision.submission_id));
  CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
    BEGIN SELECT RAISE(ABORT, 'a decision is superseded by a new one, never changed'); END;
  CREATE TABLE declaration_change (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    time TEXT NOT NULL,
    has_declarations INTEGER NOT NULL,
    title TEXT, artists TEXT, email TEXT, medium TEXT, statement TEXT, alt_text TEXT, link TEXT,
    previously_published TEXT NOT NULL DEFAULT 'unknown',
    prior_venue TEXT,
    under_review TEXT NOT NULL DEFAULT 'unknown',
    rights_granted TEXT NOT NULL DEFAULT 'unknown',
    authorship_affirmed TEXT NOT NULL DEFAULT 'unknown',
    ai_use TEXT NOT NULL DEFAULT 'unknown',
    ai_statement TEXT
  );
  CREATE INDEX declaration_change_version ON declaration_change (submission_id, version, id);
  CREATE TRIGGER declaration_change_no_update BEFORE UPDATE ON declaration_change
    BEGIN SELECT RAISE(ABORT, 'a declaration change is superseded by a new one, never changed'); END;
  CREATE TRIGGER declaration_change_no_delete BEFORE DELETE ON declaration_change
    BEGIN SELECT RAISE(ABORT, 'a declaration change is superseded by a new one, never changed'); END;
  CREATE TRIGGER declaration_change_no_replace BEFORE INSERT ON declaration_change
    WHEN EXISTS (SELECT 1 FROM declaration_change WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'a declaration change is superseded by a new one, never changed'); END;

  """ + changeCountingTriggers(["declaration_change"]),
  // 12: what each version's images and videos say about how they were made, beside the AI use
  // declared: part of the record of what was received, so never changed.
  """
  CREATE TABLE provenance (
    version_id INTEGER PRIMARY KEY REFERENCES version(id),
    finding TEXT NOT NULL
      CHECK (finding IN ('consistent', 'contradiction', 'absent', 'unverified', 'undeclared')),
    declared TEXT NOT NULL,
    files TEXT NOT NULL
  );
  CREATE TRIGGER provenance_no_update BEFORE UPDATE ON provenance
    BEGIN SELECT RAISE(ABORT, 'a received version cannot be changed'); END;
  CREATE TRIGGER provenance_no_delete BEFORE DELETE ON provenance
    BEGIN SELECT RAISE(ABORT, 'a received version cannot be changed'); END;
  CREATE TRIGGER provenance_no_replace BEFORE INSERT ON provenance
    WHEN EXISTS (SELECT 1 FROM provenance WHERE version_id = NEW.version_id)
    BEGIN SELECT RAISE(ABORT, 'a received version cannot be changed'); END;
  """ + changeCountingTriggers(["provenance"]),
  // 13: what ingest's decoders learnt of each file, as JSON (`RecordedFacts`: ffprobe's facts of
  // an audio or video file, a GIF's or APNG's), so export and the jury room never probe or sniff
  // the file again. NULL for a file ingested before: those are read again as they always were.
  """
  ALTER TABLE version_file ADD COLUMN facts TEXT;
  """,
]

/// Every table whose changes an export must notice: all of them but the counter itself.
let countedTables = [
  "exhibition", "criterion", "blob", "submission", "version", "version_file", "finding", "decision", "event",
  "setting", "juror", "conflict", "assignment", "score_change", "comment_change", "prize_round", "prize_winner",
  "mention", "pending_file", "category_choice", "juror_removal",
]

/// Triggers that raise `catalog_change.count` on every insert, update and delete of `tables`.
func changeCountingTriggers(_ tables: [String]) -> String {
  tables.flatMap { table in
    ["INSERT", "UPDATE", "DELETE"].map { change in
      "CREATE TRIGGER \(table)_counts_\(change.lowercased()) AFTER \(change) ON \(table)\n"
        + "  BEGIN UPDATE catalog_change SET count = count + 1 WHERE id = 1; END;\n"
    }
  }.joined()
}

extension Database {
  /// Brings the catalog to the newest schema, each migration in its own transaction.
  func migrate() throws {
    let current = try queryValue("PRAGMA user_version").int("user_version")
    guard current <= migrations.count else {
      throw CatalogError.newerSchema(found: current, supported: migrations.count)
    }
    for index in current..<migrations.count {
      try transaction {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        let now = try queryValue("PRAGMA user_version").int("user_version")
        guard now == index else { return }
        try execute(migrations[index])
        try execute("PRAGMA user_version = \(index + 1)")
      }
    }
  }
}
