//! The global search index (`search_docs`): one document per person, company, lead, deal and note, written by the writes of each aggregate; prefix search (FTS5 on SQLite, `tsvector` on Postgres) and typo-tolerant fuzzy search.

use uuid::Uuid;

use super::sql::{query, query_as, query_scalar, Conn, QueryBuilder};
use super::Backend;
use crate::model::{search_key, Company, Note, Person, RecordScope};
use crate::Result;

/// One row of the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// `person`, `company`, `lead`, `deal` or `note`.
    pub kind: &'static str,
    /// The record's id.
    pub id: Uuid,
    /// Shown as the hit's title.
    pub title: String,
    /// Shown under it.
    pub subtitle: String,
    /// Folded title (ranked first; trigram-matched for typos on Postgres).
    pub name_key: String,
    /// Other folded text.
    pub body: String,
}

/// A raw search hit: kind, id, title, subtitle.
pub type RawHit = (String, Uuid, String, String);

/// Text as the index stores it: folded ([`search_key`]) and with every
/// character that is not a letter or a digit made a space, so that both
/// backends split `nico@esempio.it` or `D'Amico` into the same words.
pub fn index_text(text: &str) -> String {
    search_key(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a note's Markdown is read, for the card and for its excerpt alike:
/// CommonMark with tables, strikethrough and task lists.
pub(crate) fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// A note's Markdown as plain text for a timeline, result or inbox line:
/// the words of its text, links, code and lists, without markup or raw
/// HTML, spaces collapsed, cut to at most `n` characters (`n` ≥ 1), with
/// "…" when cut. Read with `pulldown-cmark`, as [`render_markdown`] reads
/// it for the card.
///
/// [`render_markdown`]: crate::services::notes::render_markdown
pub fn excerpt(body: &str, n: usize) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::new();
    for event in Parser::new_ext(body, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => text.push(' '),
            _ => {}
        }
    }
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= n {
        return words;
    }
    let cut: String = words.chars().take(n.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Phone digits as searchable tokens: the full international and national
/// digits, and every national suffix of 4 or more digits, so that typing
/// the last digits of a number finds it.
pub fn phone_tokens(e164: &str) -> Vec<String> {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let national = crate::model::Phone::from_e164_unchecked(e164.to_string()).digits();
    let mut out = vec![digits];
    if national.len() >= 4 {
        for start in 0..=national.len() - 4 {
            out.push(national[start..].to_string());
        }
    }
    out.dedup();
    out
}

/// The index row of a person: name; e-mail, phones (with suffixes), tax
/// code, company name and city.
pub fn person_doc(p: &Person) -> SearchDoc {
    let name = p.full_name();
    let mut body = vec![
        p.email.clone().unwrap_or_default(),
        p.company_name.clone().unwrap_or_default(),
        p.city.clone().unwrap_or_default(),
        p.tax_code.clone().unwrap_or_default(),
    ];
    for phone in [&p.phone, &p.phone_2].into_iter().flatten() {
        body.extend(phone_tokens(phone));
    }
    let subtitle = [
        p.phone.clone(),
        p.email.clone(),
        p.company_name.clone(),
        p.city.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    SearchDoc {
        kind: "person",
        id: p.id,
        title: name.clone(),
        subtitle,
        name_key: search_key(&name),
        body: index_text(&body.join(" ")),
    }
}

/// The index row of a company: name, legal name; VAT, tax code, e-mail,
/// phone, sector, location, tags.
pub fn company_doc(c: &Company) -> SearchDoc {
    let mut body = vec![
        c.legal_name.clone().unwrap_or_default(),
        c.vat_number.clone().unwrap_or_default(),
        c.tax_code.clone().unwrap_or_default(),
        c.email.clone().unwrap_or_default(),
        c.sector.clone().unwrap_or_default(),
        c.office_location.clone().unwrap_or_default(),
        c.tags.join(" "),
    ];
    if let Some(phone) = &c.phone {
        body.extend(phone_tokens(phone));
    }
    let subtitle = [
        c.vat_number.clone(),
        c.office_location.clone(),
        c.sector.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    SearchDoc {
        kind: "company",
        id: c.id,
        title: c.name.clone(),
        subtitle,
        name_key: search_key(&c.name),
        body: index_text(&body.join(" ")),
    }
}

/// The index row of a note: titled by the record it is on, the text as
/// body, its first 120 characters as subtitle.
pub fn note_doc(n: &Note, record_title: &str) -> SearchDoc {
    SearchDoc {
        kind: "note",
        id: n.id,
        title: record_title.to_string(),
        subtitle: excerpt(&n.body, 120),
        name_key: String::new(),
        body: index_text(&n.body),
    }
}

/// The SQLite FTS5 query for `terms`: every term as a quoted prefix.
fn fts5_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Postgres `to_tsquery('simple', …)` text for `terms`: prefixes, ANDed.
fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| {
            format!(
                "{}:*",
                t.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Largest edit distance tolerated for a term: 1 up to 6 letters, else 2.
pub fn max_typos(term: &str) -> usize {
    if term.chars().count() <= 6 {
        1
    } else {
        2
    }
}

impl Conn<'_> {
    /// Writes (inserts or replaces) one row of the search index.
    pub async fn upsert_search_doc(&mut self, tenant: Uuid, d: &SearchDoc) -> Result<()> {
        query(
            "INSERT INTO search_docs (tenant_id, entity_type, entity_id, title, subtitle, name_key, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, entity_id) DO UPDATE SET \
             entity_type = excluded.entity_type, title = excluded.title, subtitle = excluded.subtitle, \
             name_key = excluded.name_key, body = excluded.body",
        )
        .bind(tenant)
        .bind(d.kind)
        .bind(d.id)
        .bind(&d.title)
        .bind(&d.subtitle)
        .bind(&d.name_key)
        .bind(&d.body)
        .execute(&mut *self)
        .await?;
        Ok(())
    }

    /// Writes many new rows of the search index at once (bulk loads,
    /// reindexing); existing rows are replaced.
    pub async fn insert_search_docs(&mut self, tenant: Uuid, docs: &[SearchDoc]) -> Result<()> {
        for chunk in docs.chunks(1_000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO search_docs (tenant_id, entity_type, entity_id, title, subtitle, name_key, body) ",
            );
            qb.push_values(chunk, |mut b, d| {
                b.push_bind(tenant)
                    .push_bind(d.kind)
                    .push_bind(d.id)
                    .push_bind(d.title.clone())
                    .push_bind(d.subtitle.clone())
                    .push_bind(d.name_key.clone())
                    .push_bind(d.body.clone());
            });
            qb.push(
                " ON CONFLICT (tenant_id, entity_id) DO UPDATE SET entity_type = excluded.entity_type, \
                 title = excluded.title, subtitle = excluded.subtitle, name_key = excluded.name_key, body = excluded.body",
            );
            qb.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    /// Removes a record from the search index.
    pub async fn delete_search_doc(&mut self, tenant: Uuid, id: Uuid) -> Result<()> {
        query("DELETE FROM search_docs WHERE tenant_id = $1 AND entity_id = $2")
            .bind(tenant)
            .bind(id)
            .execute(&mut *self)
            .await?;
        Ok(())
    }

    /// (Re)indexes a lead from its row and its person's.
    pub async fn index_lead(&mut self, tenant: Uuid, lead: Uuid) -> Result<()> {
        self.index_leads(tenant, &[lead]).await
    }

    /// (Re)indexes leads from their rows and their people's, in one
    /// statement (`leads` at most a few thousand: one bound value each).
    pub async fn index_leads(&mut self, tenant: Uuid, leads: &[Uuid]) -> Result<()> {
        if leads.is_empty() {
            return Ok(());
        }
        let mut qb = QueryBuilder::new(
            "INSERT INTO search_docs (tenant_id, entity_type, entity_id, title, subtitle, name_key, body) \
             SELECT l.tenant_id, 'lead', l.id, p.first_name || ' ' || p.last_name, \
             l.interest || ' · ' || l.status, p.search_text, lower(l.interest || ' ' || coalesce(l.note, '')) \
             FROM leads l JOIN people p ON p.tenant_id = l.tenant_id AND p.id = l.person_id \
             WHERE l.tenant_id = ",
        );
        qb.push_bind(tenant).push(" AND l.id IN (");
        let mut ids = qb.separated(", ");
        for id in leads {
            ids.push_bind(*id);
        }
        qb.push(
            ") ON CONFLICT (tenant_id, entity_id) DO UPDATE SET title = excluded.title, \
             subtitle = excluded.subtitle, name_key = excluded.name_key, body = excluded.body",
        );
        qb.build().execute(&mut *self).await?;
        Ok(())
    }

    /// Whether the tenant has records but an empty index (a database
    /// migrated from before the index existed).
    pub async fn search_index_missing(&mut self, tenant: Uuid) -> Result<bool> {
        let missing: bool = query_scalar(
            "SELECT NOT EXISTS (SELECT 1 FROM search_docs WHERE tenant_id = $1) \
             AND (EXISTS (SELECT 1 FROM people WHERE tenant_id = $1) \
             OR EXISTS (SELECT 1 FROM companies WHERE tenant_id = $1))",
        )
        .bind(tenant)
        .fetch_one(&mut *self)
        .await?;
        Ok(missing)
    }

    /// Up to `limit` hits whose text has every term as a word prefix:
    /// first those whose name has them all (ranked: BM25 on SQLite,
    /// `ts_rank` on Postgres), then the others, newest first. Terms are
    /// folded words (`[a-z0-9]+`). Only hits the reader may open count
    /// towards `limit`: leads and deals (and notes on them) within
    /// `scope` (on SQLite here, on a chain server by its search functions).
    pub async fn search_prefix(
        &mut self,
        tenant: Uuid,
        scope: &RecordScope,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<RawHit>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // Two passes, so that a word common in notes never makes the
        // index rank every note that has it: (1) records whose
        // name has every term, ranked; (2) records with the terms
        // anywhere, newest first, unranked (stops at `limit`).
        let (by_name, anywhere): (Vec<RawHit>, Vec<RawHit>) = match self.backend() {
            Backend::Sqlite => {
                let by_name = sqlite_hits(
                    format!("name_key : ({})", fts5_query(terms)),
                    tenant,
                    scope,
                    "bm25(search_fts, 10.0, 1.0)",
                    limit,
                )
                .fetch_all(&mut *self)
                .await?;
                let anywhere = sqlite_hits(fts5_query(terms), tenant, scope, "f.rowid DESC", limit)
                    .fetch_all(&mut *self)
                    .await?;
                (by_name, anywhere)
            }
            Backend::Postgres => {
                // Through the row-security-aware search functions of a
                // chain server (store/row_security.sql): the same queries,
                // with their indexes.
                let by_name = query_as(
                    "SELECT entity_type, entity_id, title, subtitle \
                     FROM public.banco_search_names($1, $2, $3)",
                )
                .bind(tenant)
                .bind(tsquery(terms))
                .bind(i64::from(limit))
                .fetch_all(&mut *self)
                .await?;
                let anywhere = query_as(
                    "SELECT entity_type, entity_id, title, subtitle \
                     FROM public.banco_search_text($1, $2, $3)",
                )
                .bind(tenant)
                .bind(tsquery(terms))
                .bind(i64::from(limit))
                .fetch_all(&mut *self)
                .await?;
                (by_name, anywhere)
            }
        };
        let mut rows = by_name;
        for hit in anywhere {
            if rows.len() >= limit as usize {
                break;
            }
            if !rows.iter().any(|r| r.1 == hit.1) {
                rows.push(hit);
            }
        }
        Ok(rows)
    }

    /// Typo-tolerant fallback: hits whose words are within a small edit
    /// distance of the terms (SQLite: index terms within Levenshtein 1–2
    /// of each term; Postgres: trigram word similarity of the whole query).
    pub async fn search_fuzzy(
        &mut self,
        tenant: Uuid,
        scope: &RecordScope,
        terms: &[String],
        limit: u32,
    ) -> Result<Vec<RawHit>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        match self.backend() {
            Backend::Sqlite => {
                // For each term, the index's words within the tolerated
                // distance that start with the same letter.
                let mut groups = Vec::new();
                for t in terms {
                    let first: String = t.chars().take(1).collect();
                    let mut next = first.clone().into_bytes();
                    if let Some(last) = next.last_mut() {
                        *last = last.saturating_add(1);
                    }
                    let next = String::from_utf8(next).unwrap_or_default();
                    let len = t.chars().count() as i64;
                    let words: Vec<String> = query_scalar(
                        "SELECT term FROM search_terms WHERE term >= $1 AND term < $2 \
                         AND length(term) BETWEEN $3 AND $4",
                    )
                    .bind(&first)
                    .bind(&next)
                    .bind(len - 2)
                    .bind(len + 2)
                    .fetch_all(&mut *self)
                    .await?;
                    let max = max_typos(t);
                    let mut near: Vec<(usize, String)> = words
                        .into_iter()
                        .map(|w| (strsim::levenshtein(t, &w), w))
                        .filter(|(d, _)| *d <= max)
                        .collect();
                    near.sort();
                    near.truncate(8);
                    if near.is_empty() {
                        return Ok(Vec::new());
                    }
                    groups.push(format!(
                        "({})",
                        near.iter()
                            .map(|(_, w)| format!("\"{w}\""))
                            .collect::<Vec<_>>()
                            .join(" OR ")
                    ));
                }
                let rows: Vec<RawHit> = sqlite_hits(
                    groups.join(" AND "),
                    tenant,
                    scope,
                    "bm25(search_fts, 10.0, 1.0)",
                    limit,
                )
                .fetch_all(&mut *self)
                .await?;
                Ok(rows)
            }
            Backend::Postgres => {
                let q = terms.join(" ");
                let rows: Vec<RawHit> = query_as(
                    "SELECT entity_type, entity_id, title, subtitle \
                     FROM public.banco_search_fuzzy($1, $2, $3)",
                )
                .bind(tenant)
                .bind(q)
                .bind(i64::from(limit))
                .fetch_all(&mut *self)
                .await?;
                Ok(rows)
            }
        }
    }
}

/// An FTS5 match on SQLite's index, limited to the tenant and to what
/// `scope` may open: a lead or a deal by the store rule
/// ([`QueryBuilder::push_scope`]), a note as the record it is on, people
/// and companies always; ordered by `order`, at most `limit` rows.
fn sqlite_hits(
    fts: String,
    tenant: Uuid,
    scope: &RecordScope,
    order: &str,
    limit: u32,
) -> super::sql::Query<super::sql::As<RawHit>> {
    let mut qb = QueryBuilder::new(
        "SELECT d.entity_type, d.entity_id, d.title, d.subtitle FROM search_fts f \
         JOIN search_docs d ON d.rowid = f.rowid WHERE search_fts MATCH ",
    );
    qb.push_bind(fts)
        .push(" AND d.tenant_id = ")
        .push_bind(tenant);
    if matches!(scope, RecordScope::Limited { .. }) {
        let record = |qb: &mut QueryBuilder, table: &str, kind: &str, on: &str| {
            qb.push(format_args!(
                "({on}.entity_type = '{kind}' AND EXISTS (SELECT 1 FROM {table} r \
                 WHERE r.tenant_id = {on}.tenant_id AND r.id = {on}.entity_id"
            ))
            .push_scope("r", scope, Backend::Sqlite)
            .push("))");
        };
        qb.push(" AND (d.entity_type NOT IN ('lead', 'deal', 'note') OR ");
        record(&mut qb, "leads", "lead", "d");
        qb.push(" OR ");
        record(&mut qb, "deals", "deal", "d");
        qb.push(
            " OR (d.entity_type = 'note' AND EXISTS (SELECT 1 FROM notes n \
             WHERE n.tenant_id = d.tenant_id AND n.id = d.entity_id \
             AND (n.entity_type NOT IN ('lead', 'deal') OR ",
        );
        record(&mut qb, "leads", "lead", "n");
        qb.push(" OR ");
        record(&mut qb, "deals", "deal", "n");
        qb.push("))))");
    }
    qb.push(format_args!(" ORDER BY {order} LIMIT "))
        .push_bind(i64::from(limit));
    qb.build_query_as()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_suffixes_are_tokens() {
        let t = phone_tokens("+393331234567");
        assert_eq!(t[0], "393331234567");
        assert!(t.contains(&"3331234567".to_string()));
        assert!(t.contains(&"4567".to_string()));
        assert!(!t.contains(&"567".to_string()));
    }

    #[test]
    fn index_text_splits_on_punctuation() {
        assert_eq!(
            index_text("Nicolò D'Amico nico@esempio.it"),
            "nicolo d amico nico esempio it"
        );
        assert_eq!(
            excerpt("**Offerta** _fibra_\n# ok", 120),
            "Offerta fibra ok"
        );
    }

    #[test]
    fn a_timeline_excerpt_is_the_notes_plain_text() {
        assert_eq!(
            excerpt(
                "Sopralluogo **fatto**, [scheda](https://example.com/scheda). @Giulia Conti",
                120
            ),
            "Sopralluogo fatto, scheda. @Giulia Conti"
        );
        assert_eq!(
            excerpt(
                "# Visita\n\n- [x] contatore `IT001E`\n- preventivo\n\n<b>x</b> ~~no~~ sì",
                120
            ),
            "Visita contatore IT001E preventivo x no sì"
        );
        let long = "parola ".repeat(40);
        let cut = excerpt(&long, 120);
        assert!(cut.chars().count() <= 120, "{cut}");
        assert!(cut.ends_with('…') && !cut.ends_with(" …"), "{cut}");
        assert_eq!(excerpt("  breve  ", 120), "breve");
    }

    #[test]
    fn queries_are_quoted() {
        let terms = vec!["nicolo".to_string(), "ro\"ss".to_string()];
        assert_eq!(fts5_query(&terms), "\"nicolo\"* \"ross\"*");
        assert_eq!(tsquery(&terms), "nicolo:* & ross:*");
    }
}
