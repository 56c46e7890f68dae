-- Answers keep their order (n), so that only the newest ones of each credential are loaded
-- and older ones can be pruned; refused commands are no longer stored (they are remembered
-- in memory for a short while), so the ones stored so far go.
CREATE TABLE answers_ordered (
    n       INTEGER PRIMARY KEY,
    session TEXT NOT NULL REFERENCES sessions (id),
    actor   TEXT NOT NULL,
    id      TEXT NOT NULL,
    answer  TEXT NOT NULL,
    UNIQUE (session, actor, id)
);
INSERT INTO answers_ordered (session, actor, id, answer)
    SELECT session, actor, id, answer FROM answers WHERE answer NOT LIKE '{"type":"error"%';
DROP TABLE answers;
ALTER TABLE answers_ordered RENAME TO answers;

-- One row that /healthz and the start-up check write, to prove the store takes writes.
CREATE TABLE probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at REAL NOT NULL
);
