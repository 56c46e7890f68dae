-- The event log is the truth; sessions is a small index of it (code lookup, session list).
CREATE TABLE sessions (
    id      TEXT PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    title   TEXT NOT NULL,
    status  TEXT NOT NULL,
    created REAL NOT NULL
);

CREATE TABLE events (
    session TEXT NOT NULL REFERENCES sessions (id),
    seq     INTEGER NOT NULL,
    type    TEXT NOT NULL,
    data    TEXT NOT NULL,
    at      REAL NOT NULL,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID;

-- The first answer to every client command id, so a retry gets the same answer.
CREATE TABLE answers (
    session TEXT NOT NULL REFERENCES sessions (id),
    actor   TEXT NOT NULL,
    id      TEXT NOT NULL,
    answer  TEXT NOT NULL,
    PRIMARY KEY (session, actor, id)
) WITHOUT ROWID;
