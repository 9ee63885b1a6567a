/// Migrations 10 and on: measured media facts, a decision per version, provenance, rounds,
/// recorded facts.
/// Appended in order; a released one is never edited.
let laterMigrations: [String] = [
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

  """
    + appendOnlyTriggers(
      [("declaration_change", "id = NEW.id")], "a declaration change is superseded by a new one, never changed")
    + changeCountingTriggers(["declaration_change"]),
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
  """
    + appendOnlyTriggers([("provenance", "version_id = NEW.version_id")], "a received version cannot be changed")
    + changeCountingTriggers(["provenance"]),
  // 13: judging in rounds. A round (yes-no, rating or ranking) holds a fixed set of works, its own
  // assignments, and scores and comments marked with it (`round_id`; NULL: no rounds, as before);
  // closing it and every advance or drop are appended, never changed, like the score history.
  // A vote is stored as the criterion `vote` (1 yes, 0 no), a place in a ranking as `rank`.
  """
  CREATE TABLE jury_round (
    id INTEGER PRIMARY KEY,
    exhibition_id INTEGER NOT NULL REFERENCES exhibition(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    name TEXT NOT NULL CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('yes-no', 'rating', 'ranking')),
    advance_rule TEXT,
    opened_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    UNIQUE (exhibition_id, position)
  );
  CREATE TABLE jury_round_close (
    round_id INTEGER PRIMARY KEY REFERENCES jury_round(id),
    time TEXT NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE TABLE round_work (
    round_id INTEGER NOT NULL REFERENCES jury_round(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    PRIMARY KEY (round_id, submission_id)
  );
  CREATE TABLE round_assignment (
    round_id INTEGER NOT NULL REFERENCES jury_round(id),
    juror_id INTEGER NOT NULL REFERENCES juror(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (round_id, juror_id, submission_id)
  );
  -- The latest row for a round and work says whether it advanced; the organiser's rows win over the rule's.
  CREATE TABLE round_outcome (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES jury_round(id),
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('advance', 'drop')),
    source TEXT NOT NULL CHECK (source IN ('rule', 'organiser')),
    reason TEXT,
    time TEXT NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX round_outcome_work ON round_outcome(round_id, submission_id, id);
  ALTER TABLE score_change ADD COLUMN round_id INTEGER REFERENCES jury_round(id);
  ALTER TABLE comment_change ADD COLUMN round_id INTEGER REFERENCES jury_round(id);
  -- A comment the juror meant for the artist, which `prize letters` passes on without their name.
  ALTER TABLE comment_change ADD COLUMN for_artist INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX score_change_round ON score_change(round_id, submission_id, juror_id, criterion, id);
  -- One open round per exhibition, in the database itself.
  CREATE TRIGGER jury_round_one_open BEFORE INSERT ON jury_round
    WHEN EXISTS (SELECT 1 FROM jury_round r WHERE r.exhibition_id = NEW.exhibition_id
      AND NOT EXISTS (SELECT 1 FROM jury_round_close c WHERE c.round_id = r.id))
    BEGIN SELECT RAISE(ABORT, 'a round is already open'); END;
  -- A round's works are fixed when it opens.
  CREATE TRIGGER round_work_only_while_open BEFORE INSERT ON round_work
    WHEN EXISTS (SELECT 1 FROM jury_round_close WHERE round_id = NEW.round_id)
    BEGIN SELECT RAISE(ABORT, 'a closed round cannot change'); END;
  CREATE TRIGGER round_vote_or_rank BEFORE INSERT ON score_change
    WHEN NEW.round_id IS NOT NULL AND NEW.value IS NOT NULL
      AND ((NEW.criterion = 'vote' AND NEW.value NOT IN (0, 1)) OR (NEW.criterion = 'rank' AND NEW.value < 1))
    BEGIN SELECT RAISE(ABORT, 'a vote is yes or no, a rank 1 or more'); END;
  """
    + appendOnlyTriggers(
      [
        ("jury_round", "id = NEW.id OR (exhibition_id = NEW.exhibition_id AND position = NEW.position)"),
        ("jury_round_close", "round_id = NEW.round_id"),
        ("round_work", "round_id = NEW.round_id AND submission_id = NEW.submission_id"),
        ("round_outcome", "id = NEW.id"),
      ], "the record of rounds cannot be changed")
    + changeCountingTriggers(roundTables),
  // 14: what ingest's decoders learnt of each file, as JSON (`RecordedFacts`: ffprobe's facts of
  // an audio or video file, a GIF's or APNG's), so export and the jury room never probe or sniff
  // the file again. NULL for a file ingested before: those are read again as they always were.
  """
  ALTER TABLE version_file ADD COLUMN facts TEXT;
  """,
  // 15: a file of a work the organiser keeps out of the public gallery (a technical rider among
  // the supplementary files), by its bytes, with who and why; releasing it is a new row, so the
  // history of both stays. The latest row for a submission's file says whether it is withheld.
  """
  CREATE TABLE withheld_file (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submission(id),
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    withheld INTEGER NOT NULL CHECK (withheld IN (0, 1)),
    reason TEXT,
    time TEXT NOT NULL,
    actor TEXT NOT NULL
  );
  CREATE INDEX withheld_file_work ON withheld_file(submission_id, sha256, id);
  """
    + appendOnlyTriggers([("withheld_file", "id = NEW.id")], "the record of withheld files cannot be changed")
    + changeCountingTriggers(["withheld_file"]),
  // 16: the files of an accepted submission are stored once, inside the zip as received: each
  // content is addressed by the stored zip that first brought it and where its local header
  // starts there, so the archive holds the zip's bytes and no second copy. Files stored before
  // stay loose in the store (`blob`), and are read as they always were.
  """
  CREATE TABLE zip_member (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    zip_sha256 TEXT NOT NULL REFERENCES blob(sha256),
    header_offset INTEGER NOT NULL CHECK (header_offset >= 0),
    stored_at TEXT NOT NULL
  );
  CREATE INDEX zip_member_zip ON zip_member(zip_sha256);

  """
    + appendOnlyTriggers([("zip_member", "sha256 = NEW.sha256")], "a stored file cannot be changed")
    + changeCountingTriggers(["zip_member"]),
]
