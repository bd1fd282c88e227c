//! The command-line helpers: reading `KEY=DATE` and `NAME=VALUE`, refusing malformed input, and
//! the JSON document's exact shape.

use domain::schedule::cli::{InputError, Request, answer, parse_date, parse_option, parse_record};
use domain::schedule::{Options, RotaProduct, Schedule};
use serde_json::Value;

use super::date;

fn ask(request: Request<'_>) -> Result<String, InputError> {
    answer(&request, date("2026-03-20"))
}

fn json(request: Request<'_>) -> Value {
    let text = ask(Request { json: true, ..request }).expect("a valid request");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn the_contract_example_answers_with_items_and_invalid_records() {
    let done = ["hepb-1=2026-03-14".to_owned()];
    let document = json(Request {
        birth_date: Some("2026-01-15"),
        today: Some("2026-03-20"),
        done: &done,
        ..Request::default()
    });
    let object = document.as_object().expect("an object");
    let top: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(top, ["invalid_records", "items"]);
    let items = document["items"].as_array().expect("items");
    assert!(items.len() > 30);
    let first = items.iter().find(|entry| entry["key"] == "hepb-1").expect("hepb-1");
    assert_eq!(first["status"], "completed");
    assert_eq!(first["done_on"], "2026-03-14");
    let second = items.iter().find(|entry| entry["key"] == "hepb-2").expect("hepb-2");
    assert_eq!(second["earliest"], "2026-04-11");
    assert_eq!(second["done_on"], Value::Null);
    assert_eq!(document["invalid_records"], Value::Array(vec![]));
    // 二種混合 DT 2期, one dose: from reaching 11 (the day before the 11th birthday) to reaching 13,
    // standard until reaching 12.
    let dt = items.iter().find(|entry| entry["key"] == "dt-1").expect("dt-1");
    assert_eq!(
        [
            &dt["earliest"],
            &dt["recommended_from"],
            &dt["recommended_until"],
            &dt["latest"]
        ],
        ["2037-01-14", "2037-01-14", "2038-01-14", "2039-01-14"]
    );
    assert!(items.iter().all(|entry| entry["key"] != "dt-2"));
}

const TINY: &str = r#"
name = "tiny"
[[series]]
key = "checkup-1m"
kind = "checkup"
window = ["28d", "41d"]
[[series]]
key = "hepb"
kind = "vaccination"
vaccine = "inactivated"
window = ["0d", "1y"]
[[series.doses]]
recommended = ["2m", "9m"]
[[series.doses]]
recommended = ["2m", "9m"]
after = [{ min = "27d" }]
"#;

const GOLDEN: &str = r#"{
  "items": [
    {
      "key": "checkup-1m",
      "series": "checkup-1m",
      "dose": 1,
      "kind": "checkup",
      "routine": true,
      "earliest": "2026-02-12",
      "recommended_from": "2026-02-12",
      "recommended_until": "2026-02-25",
      "latest": "2026-02-25",
      "projected": false,
      "status": "missed",
      "done_on": null
    },
    {
      "key": "hepb-1",
      "series": "hepb",
      "dose": 1,
      "kind": "vaccination",
      "routine": true,
      "earliest": "2026-01-15",
      "recommended_from": "2026-03-14",
      "recommended_until": "2026-10-14",
      "latest": "2027-01-14",
      "projected": false,
      "status": "completed",
      "done_on": "2026-03-14"
    },
    {
      "key": "hepb-2",
      "series": "hepb",
      "dose": 2,
      "kind": "vaccination",
      "routine": true,
      "earliest": "2026-04-11",
      "recommended_from": "2026-04-11",
      "recommended_until": "2026-10-14",
      "latest": "2027-01-14",
      "projected": false,
      "status": "upcoming",
      "done_on": null
    }
  ],
  "invalid_records": [
    {
      "key": "hepb-2",
      "done_on": "2026-03-20",
      "reason": "before its earliest valid date, 2026-04-11"
    }
  ]
}"#;

#[test]
fn the_json_document_has_the_contract_shape_field_for_field() {
    let done = ["hepb-1=2026-03-14".to_owned(), "hepb-2=2026-03-20".to_owned()];
    let text = ask(Request {
        birth_date: Some("2026-01-15"),
        today: Some("2026-03-20"),
        done: &done,
        schedule: Some(TINY),
        json: true,
        ..Request::default()
    })
    .expect("a valid request");
    assert_eq!(text, GOLDEN);
}

#[test]
fn the_json_document_reads_back_into_a_timeline() {
    let text = ask(Request {
        birth_date: Some("2026-01-15"),
        json: true,
        ..Request::default()
    })
    .expect("a valid request");
    let timeline: domain::schedule::Timeline = serde_json::from_str(&text).expect("a timeline");
    assert_eq!(domain::schedule::cli::render_json(&timeline), text);
}

#[test]
fn the_table_lists_every_item_and_the_records_that_do_not_count() {
    let done = ["hepb-2=2026-03-20".to_owned()];
    let table = ask(Request {
        birth_date: Some("2026-01-15"),
        done: &done,
        ..Request::default()
    })
    .expect("a valid request");
    let mut lines = table.lines();
    assert!(lines.next().expect("a header").starts_with("key"));
    assert!(table.contains("\nhepb-1 "));
    assert!(table.contains("projected"));
    assert!(table.contains("voluntary"));
    assert!(table.contains("Records that do not count:"));
    assert!(table.contains("hepb-2 2026-03-20: no earlier dose of this series counts"));
}

#[test]
fn options_choose_the_product() {
    let chosen = ["rota=pentavalent".to_owned()];
    let document = json(Request {
        birth_date: Some("2026-01-15"),
        options: &chosen,
        ..Request::default()
    });
    let keys: Vec<&str> = document["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|entry| entry["key"].as_str())
        .collect();
    assert!(keys.contains(&"rota-3"));
}

#[test]
fn a_pregnancy_answers_with_prenatal_items() {
    let document = json(Request {
        due_date: Some("2026-09-01"),
        today: Some("2026-03-01"),
        ..Request::default()
    });
    let items = document["items"].as_array().expect("items");
    assert_eq!(items[0]["key"], "interview-notification");
    assert!(items.iter().any(|entry| entry["kind"] == "prenatal_checkup"));
}

#[test]
fn malformed_input_is_refused_in_one_line_naming_the_problem() {
    let table: [(Request<'static>, &str); 12] = [
        (Request::default(), "give --birth-date or --due-date"),
        (
            Request {
                birth_date: Some("2026-02-30"),
                ..Request::default()
            },
            "--birth-date `2026-02-30`: not a date",
        ),
        (
            Request {
                due_date: Some("2026/09/01"),
                ..Request::default()
            },
            "--due-date `2026/09/01`: not a date",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                today: Some("tomorrow"),
                ..Request::default()
            },
            "--today `tomorrow`: not a date",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                done: leak(&["flu-1=2026-03-01"]),
                ..Request::default()
            },
            "--done `flu-1=2026-03-01`: unknown key `flu-1`",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                done: leak(&["hepb-4=2026-03-01"]),
                ..Request::default()
            },
            "hepb has 3 dose(s)",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                done: leak(&["hepb-1"]),
                ..Request::default()
            },
            "--done `hepb-1`: write KEY=DATE",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                done: leak(&["hepb-1=2026-03-21"]),
                ..Request::default()
            },
            "the date is after today (2026-03-20)",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                done: leak(&["hepb-1=2026-13-01"]),
                ..Request::default()
            },
            "--done `2026-13-01`: not a date",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                options: leak(&["rota=trivalent"]),
                ..Request::default()
            },
            "unknown rota product `trivalent`",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                options: leak(&["flu"]),
                ..Request::default()
            },
            "--option `flu`: write NAME=VALUE",
        ),
        (
            Request {
                birth_date: Some("2026-01-15"),
                schedule: Some("extends = \"tokyo\""),
                ..Request::default()
            },
            "--schedule: schedule file extends `tokyo`",
        ),
    ];
    for (request, expected) in table {
        let message = ask(request).expect_err(expected).to_string();
        assert!(message.contains(expected), "{message} should contain {expected}");
        assert!(!message.contains('\n'), "one line: {message}");
    }
}

fn leak(texts: &[&str]) -> &'static [String] {
    Box::leak(
        texts
            .iter()
            .map(|text| (*text).to_owned())
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

#[test]
fn the_parsers_read_one_argument_each() {
    assert_eq!(parse_date("today", "2024-02-29"), Ok(date("2024-02-29")));
    assert!(parse_date("today", "2023-02-29").is_err());
    assert!(parse_date("today", "2026-3-5").is_err());
    let record = parse_record(Schedule::national(), "pcv-2=2026-04-12").expect("a record");
    assert_eq!(record.key.to_string(), "pcv-2");
    assert_eq!(record.done_on, date("2026-04-12"));
    let mut options = Options::default();
    parse_option(&mut options, "rota=pentavalent").expect("a product");
    assert_eq!(options.rota, RotaProduct::Pentavalent);
}

#[test]
fn pcv15_is_refused_for_a_series_not_begun_on_it() {
    let options = ["pcv=pcv15".to_owned()];
    let refused = ask(Request {
        birth_date: Some("2026-01-15"),
        options: &options,
        ..Request::default()
    })
    .expect_err("no PCV dose before 2024-10-01");
    assert!(matches!(refused, InputError::Product(_)), "{refused:?}");
    assert_eq!(
        refused.to_string(),
        "--option: pcv=pcv15 only finishes a series begun before 2024-10-01: this child has no pcv dose before then"
    );
    let done = ["pcv-1=2024-08-09".to_owned()];
    let allowed = json(Request {
        birth_date: Some("2024-06-10"),
        today: Some("2024-09-01"),
        done: &done,
        options: &options,
        ..Request::default()
    });
    assert_eq!(allowed["invalid_records"], Value::Array(vec![]));
}
