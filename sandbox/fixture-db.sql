-- Fixture "live" database of the sandbox host: a few tables in the scope of the
-- O7 dry-run, the read-only role the orchestrator connects as, and the
-- governance principal with the grants GAP-4 pins. Small on purpose.
CREATE SCHEMA cutter;
CREATE TABLE cutter.documents (id integer PRIMARY KEY, title text NOT NULL, status text NOT NULL);
CREATE TABLE cutter.candidates (id integer PRIMARY KEY, document_id integer NOT NULL REFERENCES cutter.documents(id), body text NOT NULL);
CREATE TABLE cutter.cuts (id integer PRIMARY KEY, candidate_id integer NOT NULL REFERENCES cutter.candidates(id), state text NOT NULL, run_id uuid);
CREATE TABLE cutter.review_decisions (id uuid PRIMARY KEY, gate text NOT NULL, decided_at timestamptz NOT NULL);
INSERT INTO cutter.documents VALUES (1, 'Constitution', 'signed'), (2, 'Harmless sandbox memo', 'draft'), (3, 'Minutes 2026-05', 'draft');
INSERT INTO cutter.candidates SELECT g, 1 + (g % 3), 'candidate ' || g FROM generate_series(1, 40) g;
INSERT INTO cutter.cuts SELECT g, g, 'proposed' FROM generate_series(1, 12) g;
INSERT INTO cutter.review_decisions VALUES ('00000000-0000-4000-8000-000000000001', 'SG_1', '2026-05-20T10:00:00Z');

CREATE ROLE context_pack_readonly LOGIN;
ALTER ROLE context_pack_readonly SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE cutter_live TO context_pack_readonly;
GRANT USAGE ON SCHEMA cutter TO context_pack_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA cutter TO context_pack_readonly;

CREATE ROLE cutter_governance NOLOGIN;
GRANT USAGE ON SCHEMA cutter TO cutter_governance;
GRANT SELECT ON cutter.documents TO cutter_governance;
GRANT SELECT, INSERT ON cutter.review_decisions TO cutter_governance;
