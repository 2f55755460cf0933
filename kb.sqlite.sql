-- kb.sqlite.sql: the schema of a compiled Clew knowledge base.
--
-- `clew compile` writes one SQLite file with exactly these tables. The file
-- is a public interface: help desks and reporting tools may read it directly
-- (read-only). Compatible additions keep meta.schema_version; anything that
-- changes or removes a column bumps it. Ids are lowercase ASCII
-- ([a-z0-9][a-z0-9_.-]*); text is UTF-8; HTML columns hold cmark's safe
-- output (authors' raw HTML never passes through).

-- Facts about the build, one row per key:
--   schema_version  this file's version ("6")
--   clew_version    the clew that wrote the file
--   built_at        UTC time of the build, ISO 8601
--   content_hash    hash of the sources: the same sources give the same hash
--   default_lang    the KB's default language (clew compile --default-lang,
--                   else the catalogue's 'lang:', else en)
--   articles, causes, questions, sources   counts, as decimal text
--   search_rows, search_tokens   rows in `search` and tokens in them (the
--                   statistics bm25 uses; see search_terms)
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Platforms, as named by the content (front matter and section headings).
CREATE TABLE platforms (
    id       TEXT PRIMARY KEY,   -- 'ios', 'android', 'linux', 'macos'
    name     TEXT NOT NULL,      -- as first authored: 'iOS'
    position INTEGER NOT NULL    -- first-seen order over all articles
) WITHOUT ROWID;

-- One row per article (FAQ page), and one per translation of one
-- (docs/translating.md): a translation's row has translation_of set, and
-- its sections, causes and solutions hold its text under the source's
-- ids; the diagnosis (conditions, links, weights, costs) is the source's.
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE, -- front matter 'slug', else file name
    title       TEXT NOT NULL,
    updated_at  TEXT,                 -- front matter 'updatedAt', ISO-like
    lang        TEXT,                 -- front matter 'lang', e.g. 'en'
    stem        TEXT,                 -- the Snowball stemmer of lang
                                      -- ('french'), NULL for Porter's
    translation_of TEXT,              -- a translation: the source's slug
    source_version TEXT,              -- a translation: the source_hash it
                                      -- follows, when it says (else its
                                      -- updated_at against the source's)
    source_path TEXT NOT NULL,        -- the path given to clew compile
    source_hash TEXT NOT NULL,        -- hash of that file's text
    -- (The whole body's HTML, headings with ids, is its sections' html in
    -- order: the view article_html below.)
    meta        TEXT NOT NULL,        -- JSON object of other front matter keys
    -- What the page says to do when no step fixed the problem ("If the
    -- issue persists, contact support with ..."), HTML; '' when nothing.
    escalation_html TEXT NOT NULL
);

CREATE TABLE article_platforms (
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    platform_id TEXT NOT NULL REFERENCES platforms(id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (article_id, platform_id)
) WITHOUT ROWID;
CREATE INDEX article_platforms_by_platform ON article_platforms(platform_id);

CREATE TABLE article_products (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    position   INTEGER NOT NULL,
    product    TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

-- Sections: the text under each heading (and the untitled intro). The rowid
-- is also the rowid of the section's rows in the search indexes. Each
-- piece of text is stored here once: the article's HTML is its sections'
-- (article_html), and the full-text index `search` reads its text from
-- here (search_source).
CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    position    INTEGER NOT NULL,     -- order in the article
    level       INTEGER NOT NULL,     -- heading level; 0 for the intro
    anchor      TEXT NOT NULL,        -- the heading's id in articles.html
    heading     TEXT NOT NULL,        -- plain text; '' for the intro
    platform_id TEXT,                 -- platform scope, NULL outside any
    -- (written with OR, not IN: SQLite builds a table for an IN list each
    -- time it checks a row, which made loading the sections twice as slow)
    kind        TEXT NOT NULL
                CHECK (kind = 'text' OR kind = 'causes' OR kind = 'solutions'),
    html        TEXT NOT NULL,
    text        TEXT NOT NULL         -- the section's plain text (its body
                                      -- in `search`)
);
CREATE INDEX sections_by_article ON sections(article_id, position);

-- An article's whole body as HTML: its sections' html, in their order.
CREATE VIEW article_html(article_id, html) AS
    SELECT article_id, group_concat(html, '')
    FROM (SELECT article_id, html FROM sections ORDER BY article_id, position)
    GROUP BY article_id;

-- Causes: the items of "Reasons" lists (or annotated items), or the checks
-- of a checklist page.
CREATE TABLE causes (
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    id          TEXT NOT NULL,        -- annotated, else '<platform>-<n>'
    position    INTEGER NOT NULL,     -- authored order in the article
    platform_id TEXT,                 -- NULL: every platform
    title       TEXT NOT NULL,        -- first sentence, plain text
    html        TEXT NOT NULL,
    weight      REAL,                 -- authored prior weight, else NULL
    -- 'cause', or 'check': on a page that lists steps but no causes (a
    -- checklist), what one step checks for, made by the compiler with the
    -- step's id and title
    kind        TEXT NOT NULL CHECK (kind = 'cause' OR kind = 'check'),
    PRIMARY KEY (article_id, id)
) WITHOUT ROWID;

-- When a cause applies: for each question named, the cause holds when the
-- answer is one of the listed values (rows with the same question are OR).
CREATE TABLE cause_conditions (
    article_id  INTEGER NOT NULL,
    cause_id    TEXT NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions(id),
    value       TEXT NOT NULL,
    PRIMARY KEY (article_id, cause_id, question_id, value)
) WITHOUT ROWID;

-- Solutions: the items of "Solutions" lists (or annotated items). Each is
-- a repair step the troubleshooter may offer ("Try this: ... Did it fix
-- the problem?"), at a cost.
CREATE TABLE solutions (
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    id          TEXT NOT NULL,        -- annotated, else '<platform>-fix-<n>'
    position    INTEGER NOT NULL,
    platform_id TEXT,
    title       TEXT NOT NULL,
    html        TEXT NOT NULL,
    cost        REAL NOT NULL,        -- minutes a typical user needs for it
    -- where the cost comes from: 'authored' ('cost:' annotation), else
    -- 'default' or the signal in the text that set it ('restart', 'check',
    -- 'reinstall', 'support', 'long'; docs/authoring.md)
    cost_basis  TEXT NOT NULL,
    PRIMARY KEY (article_id, id)
) WITHOUT ROWID;

-- Which solutions fix which cause, in the order to show them, and how
-- likely each is to fix the problem when that is its cause (authored in
-- 'fixes:' or 'solutions:', else 0.9).
CREATE TABLE cause_solutions (
    article_id  INTEGER NOT NULL,
    cause_id    TEXT NOT NULL,
    solution_id TEXT NOT NULL,
    position    INTEGER NOT NULL,
    probability REAL NOT NULL CHECK (probability > 0 AND probability <= 1),
    PRIMARY KEY (article_id, cause_id, solution_id)
) WITHOUT ROWID;

-- What `clew compile --learned FILE` took from `clew learn` (outcomes of
-- past sessions; docs/outcomes.md): one row a learned value. A cause's
-- prior (solution_id '') is a probability among the causes of its article
-- (platform_id ''), or among those in scope once the platform is answered
-- (platform_id the platform); a link's value (solution_id set) replaces
-- cause_solutions.probability. Empty in a KB compiled without --learned;
-- the authored values stay in causes.weight and cause_solutions.
CREATE TABLE learned (
    article_id  INTEGER NOT NULL,
    cause_id    TEXT NOT NULL,
    solution_id TEXT NOT NULL,   -- '' for the cause's prior
    platform_id TEXT NOT NULL,   -- '' for every platform (and for links)
    authored    REAL NOT NULL,   -- the value the authored KB gives
    value       REAL NOT NULL CHECK (value > 0 AND value <= 1),
    sessions    REAL NOT NULL,   -- outcomes behind it (faded by age): a
                                 -- prior's scope's sessions, a link's tries
    PRIMARY KEY (article_id, cause_id, solution_id, platform_id)
) WITHOUT ROWID;

-- The question catalogue, in the order authors wrote it. 'problem' (options:
-- the articles with causes) and 'platform' (options: the platforms) are
-- always present. Every question also accepts the answer 'unknown'.
CREATE TABLE questions (
    id        TEXT PRIMARY KEY,
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    help_html TEXT NOT NULL,
    help_text TEXT NOT NULL,
    builtin   INTEGER NOT NULL        -- 1 when clew supplied the text
) WITHOUT ROWID;

-- The catalogue in other languages (docs/translating.md): a question's
-- text and help, and its options' labels, under the catalogue's ids.
CREATE TABLE question_texts (
    question_id TEXT NOT NULL REFERENCES questions(id),
    lang        TEXT NOT NULL,
    text        TEXT NOT NULL,
    help_html   TEXT NOT NULL,
    help_text   TEXT NOT NULL,
    PRIMARY KEY (question_id, lang)
) WITHOUT ROWID;

CREATE TABLE option_labels (
    question_id TEXT NOT NULL REFERENCES questions(id),
    value       TEXT NOT NULL,
    lang        TEXT NOT NULL,
    label       TEXT NOT NULL,
    PRIMARY KEY (question_id, value, lang)
) WITHOUT ROWID;

CREATE TABLE question_options (
    question_id TEXT NOT NULL REFERENCES questions(id),
    position    INTEGER NOT NULL,
    value       TEXT NOT NULL,
    label       TEXT NOT NULL,
    PRIMARY KEY (question_id, value)
) WITHOUT ROWID;

-- When a question is worth asking: as cause_conditions, on other answers.
CREATE TABLE question_conditions (
    question_id TEXT NOT NULL REFERENCES questions(id),
    on_question TEXT NOT NULL REFERENCES questions(id),
    value       TEXT NOT NULL,
    PRIMARY KEY (question_id, on_question, value)
) WITHOUT ROWID;

-- Full-text index, one row per section (rowid = sections.id), words
-- folded (case, diacritics) and stemmed in their article's language: by
-- Clew's tokenizer "clew" (server/store/stemtok.c), which Clew registers
-- on every connection it opens; another SQLite client must register it
-- too to read this table (the other tables need nothing). English, and
-- the languages Snowball has no stemmer for, are stemmed by FTS5's Porter
-- tokenizer; the others (French, German, Spanish, Russian, ...) by
-- Snowball's, named in articles.stem. FTS5 shows a tokenizer only the
-- text, so the view puts that name before each column's text as a mark,
-- char(31) || stem || char(31), which is not a token. Clew ranks with
-- BM25 weighted title 10, heading 4, body 1, with Lucene's IDF
-- (docs/search.md).
-- article_id (not indexed) saves a join to group hits by article.
-- The index keeps no copy of the text: its columns are read from
-- search_source, a view of the sections and their article's title.
CREATE VIEW search_source(rowid, title, heading, body, article_id) AS
    SELECT s.id,
           CASE WHEN a.stem IS NULL THEN a.title
                ELSE char(31) || a.stem || char(31) || a.title END,
           CASE WHEN a.stem IS NULL THEN s.heading
                ELSE char(31) || a.stem || char(31) || s.heading END,
           CASE WHEN a.stem IS NULL THEN s.text
                ELSE char(31) || a.stem || char(31) || s.text END,
           s.article_id
    FROM sections AS s JOIN articles AS a ON a.id = s.article_id;
CREATE VIRTUAL TABLE search USING fts5(
    title, heading, body, article_id UNINDEXED,
    content = 'search_source', content_rowid = 'rowid',
    tokenize = 'clew'
);

-- Substring index for text written without spaces between words (Chinese,
-- Japanese, Thai, ...): the sections whose text has any non-ASCII
-- character, indexed by trigrams. Queries of three or more characters that
-- find nothing in `search` are looked up here; shorter non-ASCII words are
-- looked for with LIKE over these rows.
CREATE VIRTUAL TABLE search_trigram USING fts5(
    title, heading, body, article_id UNINDEXED,
    tokenize = 'trigram'
);

-- Ranking index over `search`: for each term its tokenizer wrote, the
-- rows (sections) that hold it, so that a query is ranked by reading one
-- list per word instead of scoring every match in SQL. Ranks exactly as
-- Clew's clew_bm25(search, 10.0, 4.0, 1.0) does (server/store/bm25.c). postings is a packed list,
-- one entry per row in increasing rowid order, of six unsigned LEB128
-- varints: rowid minus the previous entry's (0 before the first),
-- article_id minus the previous entry's, the term's count in title, in
-- heading and in body, and the row's length in tokens (all columns).
CREATE TABLE search_terms (
    term     TEXT PRIMARY KEY,     -- as `search` indexes it (stemmed, folded)
    sections INTEGER NOT NULL,     -- how many rows hold it
    postings BLOB NOT NULL
) WITHOUT ROWID;
