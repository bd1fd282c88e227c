//! The timeline as parents and staff see it: "now and soon" first, then everything by month,
//! with recording, confirming and undoing (forms that post; the page is rendered again after).

use crate::api::timeline::{
    ConfirmRecord, FamilyTimelineView, RecordDone, RecordView, SetProduct, UndoRecord, family_timeline, member_param,
};
use crate::error::AppError;
use crate::i18n::{Locale, t, td_string, use_i18n};
use crate::ui::format::{DateText, ErrorMessage, date};
use crate::ui::islands::calendar::CalendarFeed;
use crate::ui::islands::form::Form;
use chrono::{Datelike, Days, NaiveDate};
use domain::schedule::{Item, Options, ProductOption, Status};
use domain::timeline::{MemberTimeline, Title};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

type I18nContext = leptos_i18n::I18nContext<Locale>;

/// How far ahead "now and soon" looks.
const SOON: Days = Days::new(30);

/// A family's timelines as a page loads them.
///
/// Pages create it at their top, outside any `Suspense`: on the server a `Suspense` walks its
/// children more than once, and a resource created inside it would be loaded (and audited) again
/// on each walk. Created up front, it also loads beside the page's other data, not after it.
#[derive(Clone, Copy)]
pub struct TimelineData {
    view: Resource<Result<FamilyTimelineView, AppError>>,
}

impl TimelineData {
    /// `family` 0 means the signed-in parent's own family.
    pub fn new(family: i64) -> Self {
        TimelineData {
            view: Resource::new(move || family, family_timeline),
        }
    }
}

/// A family's timelines, loaded by [`TimelineData`].
#[component]
pub fn FamilyTimeline(data: TimelineData, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let TimelineData { view } = data;
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(data) => view! { <Timelines data staff /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Timelines(data: FamilyTimelineView, staff: bool) -> impl IntoView {
    let FamilyTimelineView {
        family,
        today,
        timelines,
        records,
        places,
        calendar_active,
        calendar_made,
    } = data;
    let sections = timelines
        .into_iter()
        .map(|tl| {
            let records = records
                .iter()
                .filter(|r| tl.sources.contains(&r.member))
                .cloned()
                .collect::<Vec<_>>();
            let places = places.clone();
            view! { <MemberSection tl records places today family=family.0 staff /> }
        })
        .collect_view();
    view! {
        {sections}
        {(!staff).then(|| view! { <Calendar active=calendar_active made=calendar_made /> })}
    }
}

fn title_view(i18n: I18nContext, title: &Title) -> AnyView {
    match title.clone() {
        Title::Pregnancy { due_date } => t!(
            i18n,
            timeline.pregnancy,
            date = move || date(i18n.get_locale(), due_date)
        )
        .into_any(),
        Title::Child { name, .. } => name.into_any(),
    }
}

#[component]
fn MemberSection(
    tl: MemberTimeline,
    records: Vec<RecordView>,
    places: Vec<(String, String)>,
    today: NaiveDate,
    family: i64,
    staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let soon = today.checked_add_days(SOON).unwrap_or(today);
    let recent = today.checked_sub_days(SOON).unwrap_or(today);
    // What was just done stays in view a while: the parent sees it counted, staff can confirm it.
    let is_next = |item: &Item| match item.status {
        Status::Completed => item.done_on.is_some_and(|d| d >= recent),
        Status::Due | Status::Overdue => true,
        Status::Upcoming => item.recommended_from <= soon && !item.projected,
        _ => false,
    };
    let member = member_param(tl.member);
    let rows = Rows {
        records: StoredValue::new(records),
        places: StoredValue::new(places),
        member,
        today,
        family,
        staff,
    };
    let next: Vec<Item> = tl.timeline.items.iter().filter(|i| is_next(i)).cloned().collect();
    let nothing_soon = next.is_empty();
    let next_rows = next.into_iter().map(|item| rows.row(item)).collect_view();
    let mut months: Vec<(i32, u32, Vec<Item>)> = Vec::new();
    for item in tl.timeline.items.iter().filter(|i| i.status != Status::NotNeeded) {
        let when = item.done_on.unwrap_or(item.recommended_from);
        match months.last_mut() {
            Some((y, m, items)) if *y == when.year() && *m == when.month() => items.push(item.clone()),
            _ => months.push((when.year(), when.month(), vec![item.clone()])),
        }
    }
    months.sort_by_key(|(y, m, _)| (*y, *m));
    let months = StoredValue::new(months);
    let by_month = move || {
        months
            .get_value()
            .into_iter()
            .map(|(y, m, items)| {
                let heading = move || match i18n.get_locale() {
                    Locale::ja => format!("{y}年{m}月"),
                    Locale::en => NaiveDate::from_ymd_opt(y, m, 1)
                        .map(|d| d.format("%B %Y").to_string())
                        .unwrap_or_default(),
                };
                view! {
                    <h4 class="month">{heading}</h4>
                    <ul class="items">{items.into_iter().map(|item| rows.row(item)).collect_view()}</ul>
                }
            })
            .collect_view()
    };
    let invalid = tl
        .timeline
        .invalid_records
        .iter()
        .map(|r| {
            let locale = i18n.get_locale_untracked();
            let what = item_name(locale, &r.key.to_string());
            let on = r.done_on;
            let why = record_problem(locale, &r.reason);
            view! {
                <li class="invalid" data-testid="invalid-record" data-key=r.key.to_string()>
                    {t!(i18n, timeline.invalid, key = move || what.clone(), date = move || date(i18n.get_locale(), on))}
                    <br />
                    <span class="muted" data-testid="invalid-reason">{why}</span>
                </li>
            }
        })
        .collect_view();
    let products = match (tl.member, tl.options) {
        (domain::timeline::Member::Child(child), Some(options)) => {
            Some(view! { <Products family child=child.0 options /> })
        }
        _ => None,
    };
    view! {
        <section class="card timeline" data-testid="timeline">
            <h2>{title_view(i18n, &tl.title)}</h2>
            {products}
            <h3>{t!(i18n, timeline.next_up)}</h3>
            <Show when=move || nothing_soon>
                <p class="muted">{t!(i18n, timeline.nothing_soon)}</p>
            </Show>
            <ul class="items next" data-testid="next-up">{next_rows}</ul>
            <ul class="invalid-records">{invalid}</ul>
            <details data-testid="all-items">
                <summary>{t!(i18n, timeline.all)}</summary>
                {by_month}
            </details>
        </section>
    }
    .into_any()
}

/// Why a record does not count, in words.
fn record_problem(locale: Locale, problem: &domain::schedule::RecordProblem) -> String {
    use domain::schedule::RecordProblem as P;
    let day = |d: chrono::NaiveDate| date(locale, d);
    match problem {
        P::AfterToday { .. } => td_string!(locale, timeline.why_after_today).to_string(),
        P::NotInTimeline => td_string!(locale, timeline.why_not_in_timeline).to_string(),
        P::NotBornYet => td_string!(locale, timeline.why_not_born_yet).to_string(),
        P::NotNeeded => td_string!(locale, timeline.why_not_needed).to_string(),
        P::Duplicate { counted_on } => td_string!(locale, timeline.why_duplicate, date = day(*counted_on)).to_string(),
        P::NoEarlierDose => td_string!(locale, timeline.why_no_earlier_dose).to_string(),
        P::BeforeEarliest { earliest } => {
            td_string!(locale, timeline.why_before_earliest, date = day(*earliest)).to_string()
        }
        P::AfterLatest { latest } => td_string!(locale, timeline.why_after_latest, date = day(*latest)).to_string(),
        P::AfterPregnancyEnded { ended_on } => {
            td_string!(locale, timeline.why_after_pregnancy, date = day(*ended_on)).to_string()
        }
        P::TooSoonAfterLiveVaccine {
            other,
            given_on,
            valid_from,
        } => td_string!(
            locale,
            timeline.why_too_soon_after_live,
            vaccine = series_name(locale, other.series().as_str()),
            given = day(*given_on),
            from = day(*valid_from)
        )
        .to_string(),
    }
}

/// The name of a timeline item in a language from its key: the series' name, and the dose's
/// number when the key has one (`hepb-2` → 「B型肝炎 2回目」).
pub fn item_name(locale: Locale, key: &str) -> String {
    let numbered = key
        .rsplit_once('-')
        .and_then(|(series, dose)| Some((series, dose.parse::<u8>().ok()?)));
    match numbered {
        Some((series, dose)) => format!(
            "{} {}",
            series_name(locale, series),
            td_string!(locale, timeline.dose, n = dose)
        ),
        None => series_name(locale, key),
    }
}

/// The name of a series in a language, for screens and for the calendar feed.
pub fn series_name(locale: Locale, series: &str) -> String {
    match series {
        "prenatal-checkup" => td_string!(locale, series.prenatal_checkup).to_string(),
        "interview-notification" => td_string!(locale, series.interview_notification).to_string(),
        "interview-8m" => td_string!(locale, series.interview_8m).to_string(),
        "interview-postnatal" => td_string!(locale, series.interview_postnatal).to_string(),
        "rsv-maternal" => td_string!(locale, series.rsv_maternal).to_string(),
        "hepb" => td_string!(locale, series.hepb).to_string(),
        "rota" => td_string!(locale, series.rota).to_string(),
        "dpt-ipv-hib" => td_string!(locale, series.dpt_ipv_hib).to_string(),
        "pcv" => td_string!(locale, series.pcv).to_string(),
        "hib" => td_string!(locale, series.hib).to_string(),
        "dpt-ipv" => td_string!(locale, series.dpt_ipv).to_string(),
        "pcv13" => td_string!(locale, series.pcv13).to_string(),
        "bcg" => td_string!(locale, series.bcg).to_string(),
        "mr" => td_string!(locale, series.mr).to_string(),
        "varicella" => td_string!(locale, series.varicella).to_string(),
        "je" => td_string!(locale, series.je).to_string(),
        "dt" => td_string!(locale, series.dt).to_string(),
        "mumps" => td_string!(locale, series.mumps).to_string(),
        "checkup-1m" => td_string!(locale, series.checkup_1m).to_string(),
        "checkup-3m" => td_string!(locale, series.checkup_3m).to_string(),
        "checkup-6m" => td_string!(locale, series.checkup_6m).to_string(),
        "checkup-9m" => td_string!(locale, series.checkup_9m).to_string(),
        "checkup-18m" => td_string!(locale, series.checkup_18m).to_string(),
        "checkup-3y" => td_string!(locale, series.checkup_3y).to_string(),
        "checkup-5y" => td_string!(locale, series.checkup_5y).to_string(),
        "visit-newborn" => td_string!(locale, series.visit_newborn).to_string(),
        "visit-infant-home" => td_string!(locale, series.visit_infant_home).to_string(),
        // A municipality's own item: its key is the best name we have.
        other => other.to_owned(),
    }
}

fn status_label(i18n: I18nContext, status: Status) -> AnyView {
    match status {
        Status::Completed => t!(i18n, status.completed).into_any(),
        Status::NotNeeded => t!(i18n, status.not_needed).into_any(),
        Status::Missed => t!(i18n, status.missed).into_any(),
        Status::Upcoming => t!(i18n, status.upcoming).into_any(),
        Status::Due => t!(i18n, status.due).into_any(),
        Status::Overdue => t!(i18n, status.overdue).into_any(),
    }
}

/// What every row of one member's timeline shares.
#[derive(Clone)]
struct Rows {
    records: StoredValue<Vec<RecordView>>,
    places: StoredValue<Vec<(String, String)>>,
    member: String,
    today: NaiveDate,
    family: i64,
    staff: bool,
}

impl Rows {
    fn row(&self, item: Item) -> impl IntoView + use<> {
        let key = item.key.to_string();
        let record = self
            .records
            .with_value(|records| records.iter().rev().find(|r| r.key == key).cloned());
        let place = self.places.with_value(|places| {
            places
                .iter()
                .find(|(s, _)| s == item.series.as_str())
                .map(|(_, p)| p.clone())
        });
        let Rows {
            member,
            today,
            family,
            staff,
            ..
        } = self.clone();
        view! { <ItemRow item record place today family member staff /> }
    }
}

#[component]
fn ItemRow(
    item: Item,
    record: Option<RecordView>,
    place: Option<String>,
    today: NaiveDate,
    family: i64,
    member: String,
    staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = item.key.to_string();
    let series = item.series.to_string();
    let dose = item.dose;
    let several = !item.key.is_one_off();
    let status = item.status;
    let status_class = format!("status status-{}", status.as_str());
    let (from, until) = (item.recommended_from, item.recommended_until);
    let (earliest, latest) = (item.earliest, item.latest);
    let open = !matches!(status, Status::Completed | Status::NotNeeded);
    let record_view = record.map(|r| {
        let who = r.recorded_by.clone();
        let verifier = r.verified_by.clone();
        let unverified = verifier.is_none();
        let id = r.id;
        let source = if r.by_staff {
            t!(i18n, timeline.by_staff, name = move || who.clone()).into_any()
        } else {
            t!(i18n, timeline.reported, name = move || who.clone()).into_any()
        };
        view! {
            <p class="record" data-testid="record">
                <DateText date=r.done_on /> " · " {source}
                {(!r.by_staff).then(|| verifier.map(|v| view! { " · " {t!(i18n, timeline.confirmed, name = move || v.clone())} }))}
            </p>
            <div class="record-actions">
                <Show when=move || staff && unverified>
                    <Form action=ConfirmRecord::url() class="inline">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" data-testid="confirm">{t!(i18n, timeline.confirm)}</button>
                    </Form>
                </Show>
                <Show when=move || r.undoable>
                    <Form action=UndoRecord::url() class="inline">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="link-button" data-testid="undo">{t!(i18n, timeline.undo)}</button>
                    </Form>
                </Show>
            </div>
        }
    });
    let today_text = today.format("%Y-%m-%d").to_string();
    let input_id = format!("done-{member}-{key}");
    let key_field = key.clone();
    let mark_done = open.then(move || {
        view! {
            <details class="mark-done">
                <summary data-testid="mark-done">{t!(i18n, timeline.mark_done)}</summary>
                <Form action=RecordDone::url() class="form compact">
                    <input type="hidden" name="family" value=family />
                    <input type="hidden" name="member" value=member />
                    <input type="hidden" name="key" value=key_field />
                    <label for=input_id.clone()>{t!(i18n, timeline.done_on)}</label>
                    <input id=input_id type="date" name="done_on" value=today_text.clone() max=today_text required />
                    <button type="submit" class="primary" data-testid="save-done">{t!(i18n, timeline.save)}</button>
                </Form>
            </details>
        }
    });
    view! {
        <li class="item" data-testid="item" data-key=key data-status=status.as_str()>
            <div class="item-head">
                <strong>{move || series_name(i18n.get_locale(), series.as_str())}</strong>
                {several.then(|| view! { " " {t!(i18n, timeline.dose, n = move || dose)} })}
                {(!item.routine).then(|| view! { " (" {t!(i18n, timeline.voluntary)} ")" })}
                <span class=status_class>{status_label(i18n, status)}</span>
            </div>
            <p class="window">
                {t!(i18n, timeline.window, from = move || date(i18n.get_locale(), from), until = move || date(i18n.get_locale(), until))}
            </p>
            <Show when=move || open>
                <p class="window muted">
                    {t!(i18n, timeline.valid, from = move || date(i18n.get_locale(), earliest), until = move || date(i18n.get_locale(), latest))}
                </p>
            </Show>
            {place.map(|place| view! { <p class="place" data-testid="place">{t!(i18n, timeline.place)} ": " {place}</p> })}
            {record_view}
            {mark_done}
        </li>
    }
    .into_any()
}

/// The family's private calendar feed: create, replace, turn off (an island: the address is shown
/// once, when it is made).
#[component]
fn Calendar(active: bool, made: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, timeline.calendar)}</h2>
            <p class="muted">{t!(i18n, timeline.calendar_intro)}</p>
            <CalendarFeed lang=i18n.get_locale_untracked().to_string() active made />
        </section>
    }
}

/// A vaccine product's name in the reader's language (its code for one the app does not know).
fn product_name(i18n: I18nContext, code: &str) -> AnyView {
    match code {
        "monovalent" => t!(i18n, timeline.product_monovalent).into_any(),
        "pentavalent" => t!(i18n, timeline.product_pentavalent).into_any(),
        "pcv20" => t!(i18n, timeline.product_pcv20).into_any(),
        "pcv15" => t!(i18n, timeline.product_pcv15).into_any(),
        other => other.to_owned().into_any(),
    }
}

/// Which vaccine products a child gets; the choice changes the doses shown.
#[component]
fn Products(family: i64, child: i64, options: Options) -> impl IntoView {
    let i18n = use_i18n();
    let choice = |option: ProductOption, label: AnyView| {
        let current = options.product(option);
        let choices = option
            .products()
            .iter()
            .map(|p| view! { <option value=*p selected=*p == current>{product_name(i18n, p)}</option> })
            .collect_view();
        let id = format!("product-{child}-{}", option.name());
        view! {
            <Form action=SetProduct::url() class="product">
                <input type="hidden" name="family" value=family />
                <input type="hidden" name="child" value=child />
                <input type="hidden" name="option" value=option.name() />
                <label for=id.clone()>{label}</label>
                <select id=id name="value" data-testid=format!("product-{}", option.name())>{choices}</select>
                <button type="submit">{t!(i18n, timeline.save)}</button>
            </Form>
        }
    };
    view! {
        <details class="products">
            <summary>{t!(i18n, timeline.products)}</summary>
            {choice(ProductOption::Rota, t!(i18n, timeline.product_rota).into_any())}
            {choice(ProductOption::Pcv, t!(i18n, timeline.product_pcv).into_any())}
        </details>
    }
}
