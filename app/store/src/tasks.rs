//! The kept task list (`kept_tasks`): every family's open tasks with the days each is on the list.
//!
//! Every change to what a family's tasks come from marks the family stale in the same transaction
//! ([`mark_stale`]); a refresh plans the stale families' tasks (the app does, with the schedule) and
//! writes them with [`Store::keep_tasks`], which only succeeds if nothing marked the family again
//! since the refresh read it. Readers refresh what is stale before they read, so a crash between a
//! change and its refresh never serves an old list.

use crate::{Error, Store, time};
use domain::ids::{AccountId, FamilyId, MunicipalityId, SiteId};
use domain::support::task::{KeptTask, Scope, Task};

/// A day before every real one and one after: "on the list from the start" and "never leaves by date".
const ALWAYS: &str = "0000-01-01";
const NEVER: &str = "9999-12-31";

/// The generation a family's mark starts at: random, so that a mark made after a refresh cleared
/// the previous one (and its row) never repeats a generation an older, slower refresh still holds
/// (a counter restarting at 1 would, and that refresh would clear the newer mark with old tasks).
fn fresh_generation() -> i64 {
    // Room below i64::MAX for the increments of later marks.
    rand::random::<i64>().rem_euclid(1 << 60)
}

/// Marks the families `which` selects (`family_id, municipality_id`, with `$1` standing for `id`)
/// stale, inside the caller's transaction. (SQLite needs the `WHERE` to read `ON CONFLICT` as the
/// upsert's, not a join's.)
async fn mark(conn: &mut sqlx::AnyConnection, which: &str, id: i64) -> Result<(), Error> {
    sqlx::query(&format!(
        "INSERT INTO stale_tasks (family_id, municipality_id, generation) SELECT t.*, $2 FROM ({which}) t WHERE 1 = 1 \
         ON CONFLICT (family_id) DO UPDATE SET generation = stale_tasks.generation + 1"
    ))
    .bind(id)
    .bind(fresh_generation())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a family's kept tasks stale; call it inside the transaction that changes their sources.
pub(crate) async fn mark_stale(conn: &mut sqlx::AnyConnection, family: FamilyId) -> Result<(), Error> {
    mark(conn, "SELECT id, municipality_id FROM families WHERE id = $1", family.0).await
}

/// Marks the family of a consultation stale (its waiting, assignee or closing changed).
pub(crate) async fn mark_consultation_stale(conn: &mut sqlx::AnyConnection, consultation: i64) -> Result<(), Error> {
    mark(
        conn,
        "SELECT family_id, municipality_id FROM consultations WHERE id = $1",
        consultation,
    )
    .await
}

/// Marks every family of a municipality stale (its schedule file changed).
pub(crate) async fn mark_municipality_stale(
    conn: &mut sqlx::AnyConnection,
    municipality: MunicipalityId,
) -> Result<(), Error> {
    mark(
        conn,
        "SELECT id, municipality_id FROM families WHERE municipality_id = $1",
        municipality.0,
    )
    .await
}

/// A family waiting for its tasks to be kept again, as it was when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleFamily {
    pub family: FamilyId,
    pub generation: i64,
}

/// One page of the kept list, with the whole list's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub total: usize,
    pub late: usize,
}

/// The condition for the scope's tasks on the list (`$1` the municipality, `$2` the day, `$3` the
/// account or the site), and the value `$3` stands for.
fn on_list(scope: Scope) -> (String, Option<i64>) {
    let (filter, bound) = match scope {
        Scope::Mine(AccountId(account)) => (" AND t.assignee_id = $3", Some(account)),
        Scope::Site(SiteId(site)) => (" AND t.site_id = $3", Some(site)),
        Scope::All => ("", None),
    };
    (
        format!("t.municipality_id = $1 AND t.shows_from <= $2 AND t.hides_after >= $2{filter}"),
        bound,
    )
}

impl Store {
    /// Municipalities with stale families, and how many each has.
    pub async fn stale_task_counts(&self) -> Result<Vec<(MunicipalityId, i64)>, Error> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT municipality_id, COUNT(*) FROM stale_tasks GROUP BY municipality_id ORDER BY municipality_id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(m, n)| (MunicipalityId(m), n)).collect())
    }

    /// How many families of the municipality wait for their tasks to be kept again.
    pub async fn stale_task_count(&self, municipality: MunicipalityId) -> Result<i64, Error> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stale_tasks WHERE municipality_id = $1")
            .bind(municipality.0)
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// Marks stale the families (of one municipality, or all) with a kept task planned to hold
    /// only until a day before `today`. Returns how many families were marked.
    pub async fn mark_replans_due(
        &self,
        municipality: Option<MunicipalityId>,
        today: chrono::NaiveDate,
    ) -> Result<u64, Error> {
        let which = match municipality {
            Some(_) => "municipality_id = $2 AND",
            None => "$2 = $2 AND",
        };
        // Read first: the task list asks on every view, and most views find nothing due, which
        // must not take the write lock.
        let due: Option<(i64,)> = sqlx::query_as(&format!(
            "SELECT family_id FROM kept_tasks WHERE {which} replan_after < $1 LIMIT 1"
        ))
        .bind(time::date(today))
        .bind(municipality.map_or(0, |m| m.0))
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let marked = sqlx::query(&format!(
            "INSERT INTO stale_tasks (family_id, municipality_id, generation) \
             SELECT DISTINCT family_id, municipality_id, $3 FROM kept_tasks WHERE {which} replan_after < $1 \
             ON CONFLICT (family_id) DO UPDATE SET generation = stale_tasks.generation + 1"
        ))
        .bind(time::date(today))
        .bind(municipality.map_or(0, |m| m.0))
        .bind(fresh_generation())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(marked)
    }

    /// Up to `limit` stale families of the municipality, lowest id first, with their generations.
    /// Read them before their sources: a change after this read leaves them stale.
    pub async fn stale_families(&self, municipality: MunicipalityId, limit: i64) -> Result<Vec<StaleFamily>, Error> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT family_id, generation FROM stale_tasks WHERE municipality_id = $1 ORDER BY family_id LIMIT $2",
        )
        .bind(municipality.0)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(family, generation)| StaleFamily {
                family: FamilyId(family),
                generation,
            })
            .collect())
    }

    /// Writes stale families' tasks and clears their marks, in one transaction. A family marked
    /// again since it was read (or already written by another refresh) is left as it is, stale
    /// for the next refresh. Returns how many families were written.
    pub async fn keep_tasks(
        &self,
        municipality: MunicipalityId,
        families: &[(StaleFamily, Vec<KeptTask>)],
    ) -> Result<usize, Error> {
        let mut tx = self.begin_write().await?;
        let mut kept_families = 0;
        for (stale, tasks) in families {
            let cleared = sqlx::query("DELETE FROM stale_tasks WHERE family_id = $1 AND generation = $2")
                .bind(stale.family.0)
                .bind(stale.generation)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if cleared == 0 {
                continue;
            }
            kept_families += 1;
            sqlx::query("DELETE FROM kept_tasks WHERE family_id = $1")
                .bind(stale.family.0)
                .execute(&mut *tx)
                .await?;
            for (seq, kept) in tasks.iter().enumerate() {
                if kept.task.family != stale.family {
                    return Err(Error::Corrupt("a kept task of another family".into()));
                }
                let task = serde_json::to_string(&kept.task).map_err(|e| Error::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO kept_tasks (family_id, seq, municipality_id, site_id, assignee_id, due, shows_from, \
                     hides_after, replan_after, task) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(stale.family.0)
                .bind(i64::try_from(seq).unwrap_or(i64::MAX))
                .bind(municipality.0)
                .bind(kept.task.site.map(|s| s.0))
                .bind(kept.task.assignee.map(|a| a.0))
                .bind(time::date(kept.task.due))
                .bind(kept.shows_from.map_or(ALWAYS.to_owned(), time::date))
                .bind(kept.hides_after.map_or(NEVER.to_owned(), time::date))
                .bind(kept.replan_after.map_or(NEVER.to_owned(), time::date))
                .bind(task)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(kept_families)
    }

    /// One page of the scope's list on `today`, earliest due first, with the totals: the family
    /// name and the assignee's name as they are now.
    pub async fn kept_task_page(
        &self,
        municipality: MunicipalityId,
        scope: Scope,
        today: chrono::NaiveDate,
        offset: i64,
        limit: i64,
    ) -> Result<TaskPage, Error> {
        let (total, late) = self.kept_task_totals(municipality, scope, today).await?;
        Ok(TaskPage {
            tasks: self.kept_task_rows(municipality, scope, today, offset, limit).await?,
            total,
            late,
        })
    }

    /// How many tasks the scope's list has on `today`, and how many of them are late.
    pub async fn kept_task_totals(
        &self,
        municipality: MunicipalityId,
        scope: Scope,
        today: chrono::NaiveDate,
    ) -> Result<(usize, usize), Error> {
        let (on_list, bound) = on_list(scope);
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN t.due < $2 THEN 1 ELSE 0 END), 0) FROM kept_tasks t WHERE {on_list}"
        );
        let mut count = sqlx::query_as::<_, (i64, i64)>(&sql)
            .bind(municipality.0)
            .bind(time::date(today));
        if let Some(id) = bound {
            count = count.bind(id);
        }
        let (total, late) = count.fetch_one(self.pool()).await?;
        Ok((usize::try_from(total).unwrap_or(0), usize::try_from(late).unwrap_or(0)))
    }

    /// `limit` tasks of the scope's list on `today` from `offset`, earliest due first.
    pub async fn kept_task_rows(
        &self,
        municipality: MunicipalityId,
        scope: Scope,
        today: chrono::NaiveDate,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Task>, Error> {
        let (on_list, bound) = on_list(scope);
        let (limit_at, offset_at) = if bound.is_some() { (4, 5) } else { (3, 4) };
        // `due >= ALWAYS` holds for every row; it lets SQLite (which keeps no statistics) read the
        // list in due order from `kept_tasks_by_due` and stop after the page, instead of reading
        // every task on the list from `kept_tasks_on_list` and sorting them.
        let sql = format!(
            "SELECT t.task, f.family_name, a.display_name FROM kept_tasks t JOIN families f ON f.id = t.family_id \
             LEFT JOIN accounts a ON a.id = t.assignee_id WHERE {on_list} AND t.due >= '{ALWAYS}' \
             ORDER BY t.due, t.family_id, t.seq LIMIT ${limit_at} OFFSET ${offset_at}"
        );
        let mut page = sqlx::query_as::<_, (String, String, Option<String>)>(&sql)
            .bind(municipality.0)
            .bind(time::date(today));
        if let Some(id) = bound {
            page = page.bind(id);
        }
        let rows = page.bind(limit).bind(offset).fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|(task, family_name, assignee_name)| {
                let mut task: Task = serde_json::from_str(&task).map_err(|e| Error::Corrupt(e.to_string()))?;
                task.family_name = family_name;
                task.assignee_name = task.assignee.and(assignee_name);
                Ok(task)
            })
            .collect()
    }

    /// Removes kept tasks that left the list for good before `today` (past their last day).
    pub async fn prune_kept_tasks(&self, today: chrono::NaiveDate) -> Result<u64, Error> {
        Ok(sqlx::query("DELETE FROM kept_tasks WHERE hides_after < $1")
            .bind(time::date(today))
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}
