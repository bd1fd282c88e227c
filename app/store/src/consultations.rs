//! Consultations: a parent opens one, both sides write in its thread, staff assign and close it,
//! and it books one of the slots coordinators publish. A slot is claimed with a conditional update,
//! so two parents pressing at the same moment cannot both get it.

use crate::{Error, Store, time};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use domain::consultation::{
    Author, Booking, ClientKey, Consultation, ContactMode, Message, MessageText, Outcome, Slot, Topic, Urgency,
};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use domain::timeline::Member;
use std::collections::HashMap;

pub struct NewConsultation<'a> {
    pub member: Option<Member>,
    pub topic: Topic,
    pub mode: ContactMode,
    pub urgency: Urgency,
    pub preferred_times: &'a str,
    pub message: &'a MessageText,
    pub client_key: &'a ClientKey,
}

pub struct NewSlots<'a> {
    pub site: SiteId,
    pub coordinator: Option<AccountId>,
    /// Local start times in the municipality's time zone.
    pub starts: &'a [NaiveDateTime],
    pub minutes: i64,
    pub mode: ContactMode,
}

/// The lists of the coordinators' inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxList {
    /// Waiting for the centre's reply, the longest wait first.
    Waiting,
    /// Open and assigned to nobody, newest first.
    Unassigned,
    /// Open and assigned to this coordinator, newest first.
    Mine(AccountId),
    /// Booked for a time in `[from, until)` (today), soonest first, open or closed.
    BookedBetween(DateTime<Utc>, DateTime<Utc>),
}

impl InboxList {
    /// The list's condition on `consultations c` (after `c.municipality_id = $1`) and its order.
    fn condition(self) -> (&'static str, &'static str) {
        match self {
            InboxList::Waiting => ("c.waiting_since IS NOT NULL", "c.waiting_since, c.id"),
            InboxList::Unassigned => (
                "c.closed_at IS NULL AND c.assigned_to IS NULL",
                "c.opened_at DESC, c.id DESC",
            ),
            InboxList::Mine(_) => (
                "c.closed_at IS NULL AND c.assigned_to = $2",
                "c.opened_at DESC, c.id DESC",
            ),
            InboxList::BookedBetween(..) => (
                "EXISTS (SELECT 1 FROM consultation_slots s WHERE s.booked_by = c.id AND s.starts_at >= $2 \
                 AND s.starts_at < $3)",
                "(SELECT MIN(s.starts_at) FROM consultation_slots s WHERE s.booked_by = c.id), c.id",
            ),
        }
    }

    /// Binds the list's own values after the municipality.
    fn bind<'q, O>(
        self,
        query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        match self {
            InboxList::Waiting | InboxList::Unassigned => query,
            InboxList::Mine(account) => query.bind(account.0),
            InboxList::BookedBetween(from, until) => query.bind(time::instant(from)).bind(time::instant(until)),
        }
    }
}

/// Which consultations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Family(FamilyId),
    /// Open ones, and closed ones booked from this instant on (for "booked today").
    OpenOrBookedFrom(DateTime<Utc>),
    One(i64),
    /// Open ones of the families whose kept tasks are stale (what a task refresh needs).
    OpenOfStaleFamilies,
}

#[derive(sqlx::FromRow)]
struct ConsultationRow {
    id: i64,
    family_id: i64,
    family_name: String,
    pregnancy_id: Option<i64>,
    child_id: Option<i64>,
    topic: String,
    mode: String,
    urgency: String,
    preferred_times: String,
    assigned_to: Option<i64>,
    assigned_name: Option<String>,
    opened_at: String,
    outcome: Option<String>,
    closing_note: String,
    staff_read_at: Option<String>,
    guardian_read_at: Option<String>,
    staff_changed_at: Option<String>,
}

type SlotRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    i64,
    String,
    Option<i64>,
);

const CONSULTATION_SELECT: &str = "SELECT c.id, c.family_id, f.family_name, c.pregnancy_id, c.child_id, c.topic, c.mode, \
     c.urgency, c.preferred_times, c.assigned_to, a.display_name AS assigned_name, c.opened_at, c.outcome, c.closing_note, \
     c.staff_read_at, c.guardian_read_at, c.staff_changed_at \
     FROM consultations c JOIN families f ON f.id = c.family_id LEFT JOIN accounts a ON a.id = c.assigned_to";

const SLOT_SELECT: &str = "SELECT s.id, s.site_id, t.name, s.coordinator_id, a.display_name, s.starts_at, s.minutes, \
     s.mode, s.booked_by FROM consultation_slots s JOIN sites t ON t.id = s.site_id \
     LEFT JOIN accounts a ON a.id = s.coordinator_id";

fn corrupt(what: &str) -> Error {
    Error::Corrupt(format!("consultation {what}"))
}

fn local(tz: Tz, text: &str) -> Result<NaiveDateTime, Error> {
    Ok(time::parse_instant(text)?.with_timezone(&tz).naive_local())
}

/// A local time to UTC; a time skipped by a clock change is refused, an ambiguous one takes the earlier.
fn to_utc(tz: Tz, at: NaiveDateTime) -> Result<DateTime<Utc>, Error> {
    tz.from_local_datetime(&at)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(Error::Conflict("no_such_local_time"))
}

fn slot_from_row(tz: Tz, r: SlotRow) -> Result<Slot, Error> {
    Ok(Slot {
        id: r.0,
        site: SiteId(r.1),
        site_name: r.2,
        coordinator: r.3.map(AccountId),
        coordinator_name: r.4,
        starts_at: local(tz, &r.5)?,
        minutes: r.6,
        mode: ContactMode::parse(&r.7).ok_or_else(|| corrupt("slot mode"))?,
        booked_by: r.8,
    })
}

impl Store {
    async fn time_zone(&self, municipality: MunicipalityId) -> Result<Tz, Error> {
        Ok(self.municipality(municipality).await?.time_zone)
    }

    /// A parent opens a consultation with its first message. Returns its id.
    pub async fn open_consultation(
        &self,
        municipality: MunicipalityId,
        family: FamilyId,
        by: AccountId,
        new: &NewConsultation<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        self.require_family(municipality, family).await?;
        if let Some(member) = new.member {
            self.require_member(municipality, family, member).await?;
        }
        let (pregnancy, child) = match new.member {
            Some(Member::Pregnancy(p)) => (Some(p.0), None),
            Some(Member::Child(c)) => (None, Some(c.0)),
            None => (None, None),
        };
        let at = time::instant(now);
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO consultations (municipality_id, family_id, pregnancy_id, child_id, topic, mode, urgency, \
             preferred_times, opened_by, opened_at, guardian_read_at, waiting_since) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id",
        )
        .bind(municipality.0)
        .bind(family.0)
        .bind(pregnancy)
        .bind(child)
        .bind(new.topic.as_str())
        .bind(new.mode.as_str())
        .bind(new.urgency.as_str())
        .bind(new.preferred_times)
        .bind(by.0)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO consultation_messages (consultation_id, author, author_id, body, client_key, sent_at) \
             VALUES ($1, 'guardian', $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(by.0)
        .bind(new.message.as_str())
        .bind(new.client_key.as_str())
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        crate::tasks::mark_stale(&mut tx, family).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Consultations with their threads and bookings, newest first.
    pub async fn consultations(&self, municipality: MunicipalityId, which: Which) -> Result<Vec<Consultation>, Error> {
        let tz = self.time_zone(municipality).await?;
        let (filter, value): (&str, String) = match which {
            Which::Family(f) => ("c.family_id = $2", f.0.to_string()),
            Which::One(id) => ("c.id = $2", id.to_string()),
            Which::OpenOfStaleFamilies => (
                "c.closed_at IS NULL AND c.family_id IN (SELECT family_id FROM stale_tasks WHERE municipality_id = $1)",
                String::new(),
            ),
            Which::OpenOrBookedFrom(from) => (
                "(c.closed_at IS NULL OR EXISTS (SELECT 1 FROM consultation_slots s \
                 WHERE s.booked_by = c.id AND s.starts_at >= $2))",
                time::instant(from),
            ),
        };
        let sql = format!(
            "{CONSULTATION_SELECT} WHERE c.municipality_id = $1 AND {filter} ORDER BY c.opened_at DESC, c.id DESC"
        );
        let query = sqlx::query_as::<_, ConsultationRow>(&sql).bind(municipality.0);
        let rows = match which {
            Which::Family(f) => query.bind(f.0),
            Which::One(id) => query.bind(id),
            Which::OpenOrBookedFrom(_) => query.bind(value),
            Which::OpenOfStaleFamilies => query,
        }
        .fetch_all(self.pool())
        .await?;
        self.with_threads(tz, rows).await
    }

    /// The rows with their messages and bookings, read for these consultations only.
    async fn with_threads(&self, tz: Tz, rows: Vec<ConsultationRow>) -> Result<Vec<Consultation>, Error> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut messages = self.messages_of(&ids).await?;
        let mut bookings = self.bookings_of(tz, &ids).await?;
        rows.into_iter()
            .map(|r| {
                let member = match (r.pregnancy_id, r.child_id) {
                    (Some(p), _) => Some(Member::Pregnancy(PregnancyId(p))),
                    (None, Some(c)) => Some(Member::Child(ChildId(c))),
                    (None, None) => None,
                };
                let instant = |t: Option<String>| t.as_deref().map(time::parse_instant).transpose();
                Ok(Consultation {
                    id: r.id,
                    family: FamilyId(r.family_id),
                    family_name: r.family_name,
                    member,
                    topic: Topic::parse(&r.topic).ok_or_else(|| corrupt("topic"))?,
                    mode: ContactMode::parse(&r.mode).ok_or_else(|| corrupt("mode"))?,
                    urgency: Urgency::parse(&r.urgency).ok_or_else(|| corrupt("urgency"))?,
                    preferred_times: r.preferred_times,
                    assigned_to: r.assigned_to.map(AccountId),
                    assigned_name: r.assigned_name,
                    opened_at: time::parse_instant(&r.opened_at)?,
                    opened_on: time::parse_instant(&r.opened_at)?.with_timezone(&tz).date_naive(),
                    closed: r
                        .outcome
                        .as_deref()
                        .map(|o| Outcome::parse(o).ok_or_else(|| corrupt("outcome")))
                        .transpose()?,
                    closing_note: r.closing_note,
                    staff_read_at: instant(r.staff_read_at)?,
                    guardian_read_at: instant(r.guardian_read_at)?,
                    staff_changed_at: instant(r.staff_changed_at)?,
                    booking: bookings.remove(&r.id),
                    messages: messages.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// How many consultations one of the inbox's lists holds.
    pub async fn inbox_count(&self, municipality: MunicipalityId, list: InboxList) -> Result<usize, Error> {
        let (filter, _) = list.condition();
        let sql = format!("SELECT COUNT(*) FROM consultations c WHERE c.municipality_id = $1 AND {filter}");
        let (total,) = list
            .bind(sqlx::query_as::<_, (i64,)>(&sql).bind(municipality.0))
            .fetch_one(self.pool())
            .await?;
        Ok(usize::try_from(total).unwrap_or(0))
    }

    /// One page of one of the inbox's lists, with the page's threads.
    pub async fn inbox_page(
        &self,
        municipality: MunicipalityId,
        list: InboxList,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Consultation>, Error> {
        let tz = self.time_zone(municipality).await?;
        let (filter, order) = list.condition();
        let sql = format!(
            "{CONSULTATION_SELECT} WHERE c.municipality_id = $1 AND {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            limit = limit.max(0),
            offset = offset.max(0)
        );
        let rows = list
            .bind(sqlx::query_as::<_, ConsultationRow>(&sql).bind(municipality.0))
            .fetch_all(self.pool())
            .await?;
        self.with_threads(tz, rows).await
    }

    /// One consultation of the municipality, or `NotFound`.
    pub async fn consultation(&self, municipality: MunicipalityId, id: i64) -> Result<Consultation, Error> {
        self.consultations(municipality, Which::One(id))
            .await?
            .pop()
            .ok_or(Error::NotFound)
    }

    async fn messages_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<Message>>, Error> {
        let placeholders = crate::value::numbered(1, ids.len());
        let sql = format!(
            "SELECT m.consultation_id, m.id, m.author, a.display_name, m.body, m.sent_at, m.client_key \
             FROM consultation_messages m JOIN accounts a ON a.id = m.author_id \
             WHERE m.consultation_id IN ({placeholders}) ORDER BY m.sent_at, m.id"
        );
        let mut query = sqlx::query_as::<_, (i64, i64, String, String, String, String, String)>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let mut by_consultation: HashMap<i64, Vec<Message>> = HashMap::new();
        for (consultation, id, author, name, body, sent_at, client_key) in query.fetch_all(self.pool()).await? {
            by_consultation.entry(consultation).or_default().push(Message {
                id,
                author: Author::parse(&author).ok_or_else(|| corrupt("author"))?,
                author_name: name,
                body,
                sent_at: time::parse_instant(&sent_at)?,
                client_key,
            });
        }
        Ok(by_consultation)
    }

    async fn bookings_of(&self, tz: Tz, ids: &[i64]) -> Result<HashMap<i64, Booking>, Error> {
        let placeholders = crate::value::numbered(1, ids.len());
        let sql = format!("{SLOT_SELECT} WHERE s.booked_by IN ({placeholders})");
        let mut query = sqlx::query_as::<_, SlotRow>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let mut bookings = HashMap::new();
        for row in query.fetch_all(self.pool()).await? {
            let slot = slot_from_row(tz, row)?;
            if let Some(consultation) = slot.booked_by {
                bookings.insert(
                    consultation,
                    Booking {
                        slot: slot.id,
                        site: slot.site,
                        site_name: slot.site_name,
                        starts_at: slot.starts_at,
                        minutes: slot.minutes,
                        coordinator_name: slot.coordinator_name,
                    },
                );
            }
        }
        Ok(bookings)
    }

    /// Adds a message; the same client key again stores nothing new (a retried send). Returns the
    /// message id. A closed consultation takes no more messages.
    #[allow(clippy::too_many_arguments)]
    pub async fn post_message(
        &self,
        municipality: MunicipalityId,
        consultation: i64,
        author: Author,
        by: AccountId,
        text: &MessageText,
        client_key: &ClientKey,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        let mut tx = self.begin_write().await?;
        require_open(&mut tx, municipality, consultation).await?;
        let at = time::instant(now);
        let inserted = sqlx::query(
            "INSERT INTO consultation_messages (consultation_id, author, author_id, body, client_key, sent_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consultation_id, client_key) DO NOTHING",
        )
        .bind(consultation)
        .bind(author.as_str())
        .bind(by.0)
        .bind(text.as_str())
        .bind(client_key.as_str())
        .bind(&at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let (id,): (i64,) =
            sqlx::query_as("SELECT id FROM consultation_messages WHERE consultation_id = $1 AND client_key = $2")
                .bind(consultation)
                .bind(client_key.as_str())
                .fetch_one(&mut *tx)
                .await?;
        // A retried send changes nothing: an old staff message sent again must not end a wait
        // the parent began since.
        if inserted {
            let touch = match author {
                Author::Staff => {
                    "UPDATE consultations SET staff_read_at = $1, staff_changed_at = $1, waiting_since = NULL WHERE id = $2"
                }
                Author::Guardian => {
                    "UPDATE consultations SET guardian_read_at = $1, waiting_since = COALESCE(waiting_since, $1) \
                     WHERE id = $2"
                }
            };
            sqlx::query(touch)
                .bind(&at)
                .bind(consultation)
                .execute(&mut *tx)
                .await?;
        }
        crate::tasks::mark_consultation_stale(&mut tx, consultation).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records that one side has read the thread up to now.
    pub async fn mark_consultation_read(
        &self,
        municipality: MunicipalityId,
        consultation: i64,
        reader: Author,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let column = match reader {
            Author::Staff => "staff_read_at",
            Author::Guardian => "guardian_read_at",
        };
        sqlx::query(&format!(
            "UPDATE consultations SET {column} = $1 WHERE id = $2 AND municipality_id = $3"
        ))
        .bind(time::instant(now))
        .bind(consultation)
        .bind(municipality.0)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn assign_consultation(
        &self,
        municipality: MunicipalityId,
        consultation: i64,
        assignee: Option<AccountId>,
    ) -> Result<(), Error> {
        if let Some(a) = assignee {
            self.require_staff_account(municipality, a).await?;
        }
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query("UPDATE consultations SET assigned_to = $1 WHERE id = $2 AND municipality_id = $3")
            .bind(assignee.map(|a| a.0))
            .bind(consultation)
            .bind(municipality.0)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        crate::tasks::mark_consultation_stale(&mut tx, consultation).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn close_consultation(
        &self,
        municipality: MunicipalityId,
        consultation: i64,
        outcome: Outcome,
        note: &str,
        by: AccountId,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE consultations SET outcome = $1, closing_note = $2, closed_by = $3, closed_at = $4, \
             waiting_since = NULL WHERE id = $5 AND municipality_id = $6 AND closed_at IS NULL",
        )
        .bind(outcome.as_str())
        .bind(note)
        .bind(by.0)
        .bind(time::instant(now))
        .bind(consultation)
        .bind(municipality.0)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 1 {
            crate::tasks::mark_consultation_stale(&mut tx, consultation).await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
            let known: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM consultations WHERE id = $1 AND municipality_id = $2")
                    .bind(consultation)
                    .bind(municipality.0)
                    .fetch_optional(self.pool())
                    .await?;
            return Err(if known.is_some() {
                Error::Conflict("consultation_closed")
            } else {
                Error::NotFound
            });
        }
        Ok(())
    }

    /// Publishes slots (one per start time). Returns how many.
    pub async fn publish_slots(
        &self,
        municipality: MunicipalityId,
        by: AccountId,
        slots: &NewSlots<'_>,
        now: DateTime<Utc>,
    ) -> Result<usize, Error> {
        self.require_site(municipality, slots.site).await?;
        if let Some(c) = slots.coordinator {
            self.require_staff_account(municipality, c).await?;
        }
        let tz = self.time_zone(municipality).await?;
        let mut tx = self.begin_write().await?;
        if let Some(coordinator) = slots.coordinator {
            self.require_no_overlap(&mut tx, tz, coordinator, slots).await?;
        }
        for start in slots.starts {
            sqlx::query(
                "INSERT INTO consultation_slots (municipality_id, site_id, coordinator_id, starts_at, minutes, mode, \
                 created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(municipality.0)
            .bind(slots.site.0)
            .bind(slots.coordinator.map(|c| c.0))
            .bind(time::instant(to_utc(tz, *start)?))
            .bind(slots.minutes)
            .bind(slots.mode.as_str())
            .bind(by.0)
            .bind(time::instant(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(slots.starts.len())
    }

    /// Inside the publishing transaction: none of the new slots overlaps another slot of the same
    /// coordinator (`slot_overlaps`). On PostgreSQL the coordinator's row is locked first, so two
    /// publishers cannot both pass the check; SQLite's write transaction is already exclusive.
    async fn require_no_overlap(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        tz: Tz,
        coordinator: AccountId,
        slots: &NewSlots<'_>,
    ) -> Result<(), Error> {
        if self.engine() == crate::Engine::Postgres {
            sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
                .bind(coordinator.0)
                .execute(&mut **tx)
                .await?;
        }
        let (Some(first), Some(last)) = (slots.starts.iter().min(), slots.starts.iter().max()) else {
            return Ok(());
        };
        // Slots are at most 180 minutes long: none starting earlier can reach the first.
        let from = to_utc(
            tz,
            *first - chrono::Duration::minutes(domain::consultation::MAX_SLOT_MINUTES),
        )?;
        let until = to_utc(tz, *last + chrono::Duration::minutes(slots.minutes))?;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT starts_at, minutes FROM consultation_slots WHERE coordinator_id = $1 AND withdrawn_at IS NULL \
             AND starts_at > $2 AND starts_at < $3",
        )
        .bind(coordinator.0)
        .bind(time::instant(from))
        .bind(time::instant(until))
        .fetch_all(&mut **tx)
        .await?;
        let existing = rows
            .iter()
            .map(|(at, minutes)| Ok((local(tz, at)?, *minutes)))
            .collect::<Result<Vec<_>, Error>>()?;
        match domain::consultation::first_overlap(&existing, slots.starts, slots.minutes) {
            Some(_) => Err(Error::Conflict("slot_overlaps")),
            None => Ok(()),
        }
    }

    /// Slots from `from` on (booked or not, unless `only_open`), soonest first.
    pub async fn slots(
        &self,
        municipality: MunicipalityId,
        from: DateTime<Utc>,
        only_open: bool,
    ) -> Result<Vec<Slot>, Error> {
        let tz = self.time_zone(municipality).await?;
        let open = if only_open { " AND s.booked_by IS NULL" } else { "" };
        let rows: Vec<SlotRow> = sqlx::query_as(&format!(
            "{SLOT_SELECT} WHERE s.municipality_id = $1 AND s.starts_at >= $2 AND s.withdrawn_at IS NULL{open} \
             ORDER BY s.starts_at, s.id LIMIT 500"
        ))
        .bind(municipality.0)
        .bind(time::instant(from))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|r| slot_from_row(tz, r)).collect()
    }

    /// Staff withdraw a slot nobody has booked.
    pub async fn withdraw_slot(
        &self,
        municipality: MunicipalityId,
        slot: i64,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let updated = sqlx::query(
            "UPDATE consultation_slots SET withdrawn_at = $1 \
             WHERE id = $2 AND municipality_id = $3 AND booked_by IS NULL AND withdrawn_at IS NULL",
        )
        .bind(time::instant(now))
        .bind(slot)
        .bind(municipality.0)
        .execute(self.pool())
        .await?;
        if updated.rows_affected() == 0 {
            let mut conn = self.pool().acquire().await?;
            return Err(slot_refusal(&mut conn, municipality, slot).await?);
        }
        Ok(())
    }

    /// Books a slot for a consultation, moving an existing booking. The claim is one conditional
    /// update: of two parents pressing at once, exactly one gets the slot and the other a
    /// `slot_taken` conflict with their previous booking untouched.
    pub async fn book_slot(
        &self,
        municipality: MunicipalityId,
        consultation: i64,
        slot: i64,
        by: Author,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        require_open(&mut tx, municipality, consultation).await?;
        sqlx::query("UPDATE consultation_slots SET booked_by = NULL WHERE booked_by = $1 AND id <> $2")
            .bind(consultation)
            .bind(slot)
            .execute(&mut *tx)
            .await?;
        // Booking the slot it already holds again (a double press, a retried request) is a no-op.
        let claimed = sqlx::query(
            "UPDATE consultation_slots SET booked_by = $1 WHERE id = $2 AND municipality_id = $3 \
             AND (booked_by IS NULL OR booked_by = $1) AND withdrawn_at IS NULL AND starts_at > $4",
        )
        .bind(consultation)
        .bind(slot)
        .bind(municipality.0)
        .bind(time::instant(now))
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            // Rolled back: a move that fails keeps the old booking.
            return Err(slot_refusal(&mut tx, municipality, slot).await?);
        }
        self.touch_for(&mut tx, consultation, by, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn cancel_booking(
        &self,
        municipality: MunicipalityId,
        consultation: i64,
        by: Author,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self.begin_write().await?;
        let released =
            sqlx::query("UPDATE consultation_slots SET booked_by = NULL WHERE booked_by = $1 AND municipality_id = $2")
                .bind(consultation)
                .bind(municipality.0)
                .execute(&mut *tx)
                .await?;
        if released.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        self.touch_for(&mut tx, consultation, by, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A booking change by staff is news for the parent; by the parent, the parent has seen it.
    async fn touch_for(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        consultation: i64,
        by: Author,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let sql = match by {
            Author::Staff => "UPDATE consultations SET staff_changed_at = $1 WHERE id = $2",
            Author::Guardian => "UPDATE consultations SET guardian_read_at = $1 WHERE id = $2",
        };
        sqlx::query(sql)
            .bind(time::instant(now))
            .bind(consultation)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

/// Why a slot could not be had: it is not the municipality's (`NotFound`) or it is taken, gone or
/// past. Asked on the caller's connection: a second one could wait for a pool that racing
/// transactions hold.
async fn slot_refusal(conn: &mut sqlx::AnyConnection, municipality: MunicipalityId, slot: i64) -> Result<Error, Error> {
    let known: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM consultation_slots WHERE id = $1 AND municipality_id = $2")
            .bind(slot)
            .bind(municipality.0)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(if known.is_some() {
        Error::Conflict("slot_taken")
    } else {
        Error::NotFound
    })
}

/// Inside a write transaction: the consultation is the municipality's (else `NotFound`) and still
/// open (else `consultation_closed`).
async fn require_open(
    conn: &mut sqlx::AnyConnection,
    municipality: MunicipalityId,
    consultation: i64,
) -> Result<(), Error> {
    let open: Option<(Option<String>,)> =
        sqlx::query_as("SELECT closed_at FROM consultations WHERE id = $1 AND municipality_id = $2")
            .bind(consultation)
            .bind(municipality.0)
            .fetch_optional(&mut *conn)
            .await?;
    match open {
        None => Err(Error::NotFound),
        Some((Some(_),)) => Err(Error::Conflict("consultation_closed")),
        Some((None,)) => Ok(()),
    }
}
