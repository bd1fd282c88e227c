//! The caseload: a municipality's families in kana order, narrowed by a search word (through the
//! name index) and by filters, read a page at a time from a place in the order (keyset), with a
//! first look at each family's open tasks and flags.

use crate::value::{Value, numbered};
use crate::{Error, Store, time};
use chrono::NaiveDate;
use domain::caseload::{CaseloadFilter, FlagFilter, StageFilter};
use domain::family::{CaseloadCursor, CaseloadEntry, CaseloadPage, CaseloadPosition, Stage};
use domain::ids::{FamilyId, MunicipalityId};
use domain::support::risk::RiskCategory;
use domain::support::task::Task;
use std::collections::HashMap;

/// How many of a family's open tasks its caseload row shows (the count says how many there are).
pub const TASKS_SHOWN: usize = 5;

impl Store {
    /// One page of the municipality's caseload in kana order: the families the filter lets
    /// through (a name — family, child or guardian; in writing or kana, any script or width —
    /// containing the search word, the stage, flags, late items, coordinator, site, contact).
    /// Pages are read from a place in the order (keyset), never by an offset.
    pub async fn caseload(
        &self,
        municipality: MunicipalityId,
        filter: &CaseloadFilter,
        at: &CaseloadPosition,
        today: NaiveDate,
    ) -> Result<CaseloadPage, Error> {
        let conditions = Conditions::new(filter, today);
        let size = i64::from(CaseloadPage::SIZE);
        let (mut rows, forward) = match at {
            CaseloadPosition::First => (
                self.caseload_rows(municipality, &conditions, None, true, size + 1)
                    .await?,
                true,
            ),
            CaseloadPosition::After(c) => (
                self.caseload_rows(municipality, &conditions, Some(c), true, size + 1)
                    .await?,
                true,
            ),
            CaseloadPosition::Before(c) => (
                self.caseload_rows(municipality, &conditions, Some(c), false, size + 1)
                    .await?,
                false,
            ),
        };
        // Read one more than a page to know whether there is more in that direction.
        let more = rows.len() > CaseloadPage::SIZE as usize;
        rows.truncate(CaseloadPage::SIZE as usize);
        if !forward {
            rows.reverse();
        }
        let (rows, more_before, more_after) = match at {
            CaseloadPosition::First => (rows, false, more),
            // Past the end (the rest was removed meanwhile): the last page.
            CaseloadPosition::After(_) if rows.is_empty() => {
                let mut last = self
                    .caseload_rows(municipality, &conditions, None, false, size + 1)
                    .await?;
                let more = last.len() > CaseloadPage::SIZE as usize;
                last.truncate(CaseloadPage::SIZE as usize);
                last.reverse();
                (last, more, false)
            }
            CaseloadPosition::After(_) => (rows, true, more),
            // Back at the start: the first page, full.
            CaseloadPosition::Before(_) if !more => {
                let mut first = self
                    .caseload_rows(municipality, &conditions, None, true, size + 1)
                    .await?;
                let more = first.len() > CaseloadPage::SIZE as usize;
                first.truncate(CaseloadPage::SIZE as usize);
                (first, false, more)
            }
            CaseloadPosition::Before(_) => (rows, true, true),
        };
        let total = u64::try_from(self.caseload_count(municipality, &conditions, None).await?).unwrap_or(0);
        let ahead = match rows.first() {
            Some(first) if more_before => {
                let cursor = CaseloadCursor {
                    kana: first.2.clone(),
                    family: FamilyId(first.0),
                };
                u64::try_from(self.caseload_count(municipality, &conditions, Some(&cursor)).await?).unwrap_or(0)
            }
            _ => 0,
        };
        let cursor = |row: &CaseloadRow| CaseloadCursor {
            kana: row.2.clone(),
            family: FamilyId(row.0),
        };
        let before = rows.first().filter(|_| more_before).map(cursor);
        let after = rows.last().filter(|_| more_after).map(cursor);
        let page_count = CaseloadPage::page_count(total);
        let page = u32::try_from(ahead / u64::from(CaseloadPage::SIZE) + 1)
            .unwrap_or(u32::MAX)
            .min(page_count);
        let ids: Vec<FamilyId> = rows.iter().map(|r| FamilyId(r.0)).collect();
        let (pregnancies, children) = self.members_of(&ids).await?;
        let mut tasks = self.open_tasks_of(&ids, today).await?;
        let mut flags = self.open_flags_of(&ids).await?;
        let entries = rows
            .into_iter()
            .map(|(id, family_name, family_name_kana, site_name)| {
                let id = FamilyId(id);
                let stage = Stage::of(
                    pregnancies.get(&id).map(Vec::as_slice).unwrap_or_default(),
                    children.get(&id).map(Vec::as_slice).unwrap_or_default(),
                    today,
                );
                let (open_tasks, late_tasks, first_tasks) = tasks.remove(&id).unwrap_or_default();
                CaseloadEntry {
                    family: id,
                    family_name,
                    family_name_kana,
                    site_name,
                    stage,
                    open_tasks,
                    late_tasks,
                    first_tasks,
                    flags: flags.remove(&id).unwrap_or_default(),
                }
            })
            .collect();
        Ok(CaseloadPage {
            entries,
            page,
            page_count,
            total,
            before,
            after,
        })
    }

    /// Up to `limit` rows from a place in the order, forwards or backwards (then in reverse order).
    async fn caseload_rows(
        &self,
        municipality: MunicipalityId,
        conditions: &Conditions<'_>,
        from: Option<&CaseloadCursor>,
        forward: bool,
        limit: i64,
    ) -> Result<Vec<CaseloadRow>, Error> {
        let mut args = Args::new(municipality);
        let filter = conditions.sql(&mut args);
        let place = from.map_or(String::new(), |c| {
            let (kana, id) = (args.text(&c.kana), args.int(c.family.0));
            let op = if forward { ">" } else { "<" };
            format!(" AND (f.family_name_kana, f.id) {op} (${kana}, ${id})")
        });
        let order = if forward {
            "f.family_name_kana, f.id"
        } else {
            "f.family_name_kana DESC, f.id DESC"
        };
        let limit_at = args.int(limit);
        let sql = format!(
            "SELECT f.id, f.family_name, f.family_name_kana, s.name FROM families f \
             LEFT JOIN sites s ON s.id = f.site_id WHERE f.municipality_id = $1{filter}{place} \
             ORDER BY {order} LIMIT ${limit_at}"
        );
        Ok(args.bind_all(sqlx::query_as(&sql)).fetch_all(self.pool()).await?)
    }

    /// How many families match, in all or before a place in the order.
    async fn caseload_count(
        &self,
        municipality: MunicipalityId,
        conditions: &Conditions<'_>,
        before: Option<&CaseloadCursor>,
    ) -> Result<i64, Error> {
        let mut args = Args::new(municipality);
        let filter = conditions.sql(&mut args);
        let place = before.map_or(String::new(), |c| {
            let (kana, id) = (args.text(&c.kana), args.int(c.family.0));
            format!(" AND (f.family_name_kana, f.id) < (${kana}, ${id})")
        });
        let sql = format!("SELECT COUNT(*) FROM families f WHERE f.municipality_id = $1{filter}{place}");
        let (n,): (i64,) = args.bind_all(sqlx::query_as(&sql)).fetch_one(self.pool()).await?;
        Ok(n)
    }

    /// Per family: how many tasks its list has on `today`, how many are late, and the first few.
    async fn open_tasks_of(
        &self,
        families: &[FamilyId],
        today: NaiveDate,
    ) -> Result<HashMap<FamilyId, (u32, u32, Vec<Task>)>, Error> {
        let mut open: HashMap<FamilyId, (u32, u32, Vec<Task>)> = HashMap::new();
        if families.is_empty() {
            return Ok(open);
        }
        let placeholders = numbered(2, families.len());
        let sql = format!(
            "SELECT t.family_id, t.task, t.due FROM kept_tasks t WHERE t.family_id IN ({placeholders}) \
             AND t.shows_from <= $1 AND t.hides_after >= $1 ORDER BY t.family_id, t.due, t.seq"
        );
        let mut query = sqlx::query_as::<_, (i64, String, String)>(&sql).bind(time::date(today));
        for f in families {
            query = query.bind(f.0);
        }
        let today_text = time::date(today);
        for (family, task, due) in query.fetch_all(self.pool()).await? {
            let (count, late, first) = open.entry(FamilyId(family)).or_default();
            *count += 1;
            if due < today_text {
                *late += 1;
            }
            if first.len() < TASKS_SHOWN {
                first.push(serde_json::from_str(&task).map_err(|e| Error::Corrupt(e.to_string()))?);
            }
        }
        Ok(open)
    }

    /// Per family: the categories of its open risk flags, each once.
    async fn open_flags_of(&self, families: &[FamilyId]) -> Result<HashMap<FamilyId, Vec<RiskCategory>>, Error> {
        let mut flags: HashMap<FamilyId, Vec<RiskCategory>> = HashMap::new();
        if families.is_empty() {
            return Ok(flags);
        }
        let placeholders = numbered(1, families.len());
        let sql = format!(
            "SELECT DISTINCT family_id, category FROM risk_flags WHERE family_id IN ({placeholders}) \
             AND cleared_on IS NULL ORDER BY family_id, category"
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for f in families {
            query = query.bind(f.0);
        }
        for (family, category) in query.fetch_all(self.pool()).await? {
            let category = RiskCategory::parse(&category).ok_or_else(|| Error::Corrupt(category.clone()))?;
            flags.entry(FamilyId(family)).or_default().push(category);
        }
        Ok(flags)
    }
}

/// id, family name, kana, site name.
type CaseloadRow = (i64, String, String, Option<String>);

/// The filter as SQL conditions on `families f`. Each filter is a set of family ids read from the
/// index of its own table (municipality first), so a narrow filter reads few rows and the kana
/// order of the page comes from the families' index.
struct Conditions<'a> {
    filter: &'a CaseloadFilter,
    today: NaiveDate,
    /// The search word as the index matches it: every gram, then the whole word in the names.
    word: String,
    grams: Vec<String>,
}

impl<'a> Conditions<'a> {
    fn new(filter: &'a CaseloadFilter, today: NaiveDate) -> Self {
        let word = crate::search::normalise(&filter.words);
        Conditions {
            filter,
            today,
            grams: crate::search::grams_of_word(&word),
            word,
        }
    }

    fn sql(&self, args: &mut Args) -> String {
        let mut sql = String::new();
        if !self.grams.is_empty() {
            let grams: Vec<String> = self.grams.iter().map(|g| format!("${}", args.text(g))).collect();
            let count = args.int(i64::try_from(self.grams.len()).unwrap_or(i64::MAX));
            let like = args.text(&crate::search::like_word(&self.word));
            // Two grams can come from different names: the whole word must be in one of them.
            sql += &format!(
                " AND f.id IN (SELECT s.family_id FROM family_search s WHERE s.municipality_id = $1 \
                 AND s.names LIKE ${like} ESCAPE '\\' AND s.family_id IN (SELECT g.family_id FROM name_grams g \
                 WHERE g.municipality_id = $1 AND g.gram IN ({}) GROUP BY g.family_id HAVING COUNT(*) = ${count}))",
                grams.join(", ")
            );
        }
        match self.filter.stage {
            Some(StageFilter::Pregnant { from_week, to_week }) => {
                let (earliest, latest) = StageFilter::due_dates(from_week, to_week, self.today);
                let (earliest, latest) = (args.text(&time::date(earliest)), args.text(&time::date(latest)));
                sql += &format!(
                    " AND f.id IN (SELECT p.family_id FROM pregnancies p WHERE p.municipality_id = $1 \
                     AND p.due_date BETWEEN ${earliest} AND ${latest} AND p.outcome = 'ongoing')"
                );
            }
            Some(StageFilter::Child { band }) => {
                let range = band.birth_dates(self.today);
                let until = args.text(&time::date(range.until));
                let from = range.from.map_or(String::new(), |from| {
                    format!(" AND c.birth_date >= ${}", args.text(&time::date(from)))
                });
                sql += &format!(
                    " AND f.id IN (SELECT c.family_id FROM children c WHERE c.municipality_id = $1 \
                     AND c.birth_date <= ${until}{from})"
                );
            }
            None => {}
        }
        match self.filter.flag {
            Some(FlagFilter::Any) => {
                sql += " AND f.id IN (SELECT r.family_id FROM risk_flags r WHERE r.municipality_id = $1 \
                        AND r.cleared_on IS NULL)";
            }
            Some(FlagFilter::Category { category }) => {
                let category = args.text(category.as_str());
                sql += &format!(
                    " AND f.id IN (SELECT r.family_id FROM risk_flags r WHERE r.municipality_id = $1 \
                     AND r.cleared_on IS NULL AND r.category = ${category})"
                );
            }
            None => {}
        }
        if self.filter.late {
            // On the list today and due before it: the task list's late items.
            let today = args.text(&time::date(self.today));
            sql += &format!(
                " AND f.id IN (SELECT t.family_id FROM kept_tasks t WHERE t.municipality_id = $1 \
                 AND t.due < ${today} AND t.shows_from <= ${today} AND t.hides_after >= ${today})"
            );
        }
        if let Some(coordinator) = self.filter.coordinator {
            let c = args.int(coordinator.0);
            sql += &format!(
                " AND f.id IN (SELECT p.family_id FROM support_plans p WHERE p.municipality_id = $1 \
                 AND p.status = 'active' AND p.responsible_id = ${c} \
                 UNION SELECT v.family_id FROM home_visits v WHERE v.municipality_id = $1 \
                 AND v.visited_on IS NULL AND v.assigned_to = ${c} \
                 UNION SELECT k.family_id FROM consultations k WHERE k.municipality_id = $1 \
                 AND k.closed_at IS NULL AND k.assigned_to = ${c})"
            );
        }
        if let Some(site) = self.filter.site {
            sql += &format!(" AND f.site_id = ${}", args.int(site.0));
        }
        if let Some(days) = self.filter.quiet_days {
            let since = CaseloadFilter::quiet_since(days, self.today);
            // Messages carry an instant (UTC, ISO 8601): compared as text with the day, any
            // instant from that day's start in UTC on counts.
            let day = args.text(&time::date(since));
            sql += &format!(
                " AND f.id NOT IN (SELECT v.family_id FROM home_visits v WHERE v.municipality_id = $1 \
                 AND v.visited_on >= ${day} \
                 UNION SELECT i.family_id FROM interviews i WHERE i.municipality_id = $1 AND i.held_on >= ${day} \
                 UNION SELECT k.family_id FROM consultations k JOIN consultation_messages m ON m.consultation_id = k.id \
                 WHERE k.municipality_id = $1 AND m.sent_at >= ${day})"
            );
        }
        sql
    }
}

/// Placeholders numbered as they are added (`$1` is the municipality), bound in that order.
struct Args {
    values: Vec<Value>,
}

impl Args {
    fn new(municipality: MunicipalityId) -> Self {
        Args {
            values: vec![Value::Int(municipality.0)],
        }
    }

    fn int(&mut self, v: i64) -> usize {
        self.values.push(Value::Int(v));
        self.values.len()
    }

    fn text(&mut self, v: &str) -> usize {
        self.values.push(v.into());
        self.values.len()
    }

    fn bind_all<'q, O>(
        self,
        query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        self.values.into_iter().fold(query, |query, v| v.bind_to(query))
    }
}
