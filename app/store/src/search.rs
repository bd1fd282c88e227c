//! The caseload's name index (`family_search`, `name_grams`): every family's names, normalised,
//! with their characters and character pairs, rewritten in the transaction that adds a name.
//!
//! Normalised means NFKC (half-width kana become full-width, full-width letters become ASCII),
//! lower case, hiragana as katakana, spaces removed: 佐藤, ｻﾄｳ, さとう and サトウ all search alike.

use crate::{Error, Store};
use domain::ids::{FamilyId, MunicipalityId};
use domain::people::to_katakana;
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

/// A name or a search word as the index holds it.
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect();
    to_katakana(&folded)
}

/// What the index holds of one normalised name: its characters and its pairs of neighbours.
fn grams_of(name: &str, into: &mut BTreeSet<String>) {
    let chars: Vec<char> = name.chars().collect();
    for c in &chars {
        into.insert(c.to_string());
    }
    for pair in chars.windows(2) {
        into.insert(pair.iter().collect());
    }
}

/// The grams a search word must all have: its pairs, or its one character.
pub fn grams_of_word(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let grams: BTreeSet<String> = match chars.len() {
        0 => BTreeSet::new(),
        1 => std::iter::once(word.to_owned()).collect(),
        _ => chars.windows(2).map(|pair| pair.iter().collect()).collect(),
    };
    grams.into_iter().collect()
}

/// `%word%` for LIKE over the normalised names, the word's own `%`, `_` and `\` taken literally.
pub fn like_word(word: &str) -> String {
    let mut pattern = String::from("%");
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Rewrites one family's entry in the index from its names as they are in the database (read on
/// `conn`, so inside the caller's transaction).
pub(crate) async fn index_family(
    conn: &mut sqlx::AnyConnection,
    municipality: MunicipalityId,
    family: FamilyId,
) -> Result<(), Error> {
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT family_name, family_name_kana FROM families WHERE id = $1 \
         UNION ALL SELECT name, name_kana FROM children WHERE family_id = $1 \
         UNION ALL SELECT name, name_kana FROM guardians WHERE family_id = $1",
    )
    .bind(family.0)
    .fetch_all(&mut *conn)
    .await?;
    write_entry(conn, municipality, family, &names).await
}

async fn write_entry(
    conn: &mut sqlx::AnyConnection,
    municipality: MunicipalityId,
    family: FamilyId,
    names: &[(String, String)],
) -> Result<(), Error> {
    let mut normalised = Vec::new();
    let mut grams = BTreeSet::new();
    for (name, kana) in names {
        for text in [name, kana] {
            let n = normalise(text);
            grams_of(&n, &mut grams);
            normalised.push(n);
        }
    }
    sqlx::query("DELETE FROM name_grams WHERE family_id = $1")
        .bind(family.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM family_search WHERE family_id = $1")
        .bind(family.0)
        .execute(&mut *conn)
        .await?;
    // A separator no normalised name contains, so a word never matches across two names.
    sqlx::query("INSERT INTO family_search (family_id, municipality_id, names) VALUES ($1, $2, $3)")
        .bind(family.0)
        .bind(municipality.0)
        .bind(normalised.join("\n"))
        .execute(&mut *conn)
        .await?;
    let grams: Vec<String> = grams.into_iter().collect();
    // Many rows per statement: a family has a few dozen grams.
    for chunk in grams.chunks(100) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${}, $2)", i + 3)).collect();
        let sql = format!(
            "INSERT INTO name_grams (municipality_id, gram, family_id) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(municipality.0).bind(family.0);
        for gram in chunk {
            query = query.bind(gram.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Store {
    /// Indexes the names of every family that has no entry yet (families of an older version, or
    /// seeded in bulk), in batches. Returns how many.
    pub async fn index_missing_names(&self) -> Result<usize, Error> {
        let mut indexed = 0;
        loop {
            let families: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT f.id, f.municipality_id FROM families f \
                 WHERE NOT EXISTS (SELECT 1 FROM family_search s WHERE s.family_id = f.id) ORDER BY f.id LIMIT 1000",
            )
            .fetch_all(self.pool())
            .await?;
            if families.is_empty() {
                return Ok(indexed);
            }
            let mut tx = self.begin_write().await?;
            for (family, municipality) in &families {
                index_family(&mut tx, MunicipalityId(*municipality), FamilyId(*family)).await?;
            }
            tx.commit().await?;
            indexed += families.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_across_scripts_and_widths() {
        assert_eq!(normalise("さとう"), "サトウ");
        assert_eq!(normalise("ｻﾄｳ"), "サトウ");
        assert_eq!(normalise("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(normalise("佐藤　花子"), "佐藤花子");
        assert_eq!(normalise("Ｓａｔｏ Hanako"), "satohanako");
        assert_eq!(normalise("スズキ ハナコ"), "スズキハナコ");
    }

    #[test]
    fn a_word_needs_its_pairs_or_its_one_character() {
        assert_eq!(grams_of_word("佐藤"), ["佐藤"]);
        assert_eq!(grams_of_word("サトウ"), ["サト", "トウ"]);
        assert_eq!(grams_of_word("佐"), ["佐"]);
        assert_eq!(grams_of_word("ナナナ"), ["ナナ"]);
        assert!(grams_of_word("").is_empty());
        let mut grams = BTreeSet::new();
        grams_of("サトウ", &mut grams);
        assert!(grams_of_word("サトウ").iter().all(|g| grams.contains(g)));
        assert!(grams.contains("サ") && grams.contains("ウ"));
    }

    #[test]
    fn like_words_escape_wildcards() {
        assert_eq!(like_word("50%_\\"), "%50\\%\\_\\\\%");
    }
}
