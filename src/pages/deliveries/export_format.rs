//! One page of deliveries as export bytes: CSV (RFC 4180 quoting by the `csv` crate, a
//! header on the first page only) or NDJSON (one delivery's JSON per line).

use switchboard_api::{Delivery, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

impl ExportFormat {
    pub fn parse(s: &str) -> ExportFormat {
        if s == "ndjson" {
            ExportFormat::Ndjson
        } else {
            ExportFormat::Csv
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv;charset=utf-8",
            ExportFormat::Ndjson => "application/x-ndjson",
        }
    }
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 11] = [
    "id",
    "created_at",
    "event_type",
    "webhook_id",
    "status",
    "response_status",
    "attempt_count",
    "last_attempt_at",
    "next_attempt_at",
    "event_id",
    "payload",
];

fn time(t: &Option<Timestamp>) -> String {
    t.as_ref().map(Timestamp::to_rfc3339).unwrap_or_default()
}

/// The bytes of one page; `first` adds the CSV header.
pub fn encode_page(format: ExportFormat, items: &[Delivery], first: bool) -> Vec<u8> {
    match format {
        ExportFormat::Ndjson => {
            let mut out = Vec::new();
            for d in items {
                // A delivery always serialises; a failure would be a bug, not bad input.
                if let Ok(line) = serde_json::to_vec(d) {
                    out.extend_from_slice(&line);
                    out.push(b'\n');
                }
            }
            out
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut write = || -> Result<(), csv::Error> {
                if first {
                    w.write_record(CSV_COLUMNS)?;
                }
                for d in items {
                    w.write_record([
                        d.id.0.clone(),
                        time(&d.created_at),
                        d.event_type.clone(),
                        d.webhook_id.0.clone(),
                        d.status.as_str().to_owned(),
                        d.response_status.map(|s| s.to_string()).unwrap_or_default(),
                        d.attempt_count.to_string(),
                        time(&d.last_attempt_at),
                        time(&d.next_attempt_at),
                        d.event_id.as_ref().map(|e| e.0.clone()).unwrap_or_default(),
                        serde_json::to_string(&d.payload).unwrap_or_default(),
                    ])?;
                }
                Ok(())
            };
            // Writing into memory cannot fail.
            let _ = write();
            w.into_inner().unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(id: &str, payload: serde_json::Value) -> Delivery {
        serde_json::from_value(serde_json::json!({
            "id": id, "webhook_id": "wh_1", "event_type": "order_confirm",
            "status": "failed", "attempt_count": 2, "response_status": 503,
            "created_at": "2024-01-15T10:00:00Z", "payload": payload,
        }))
        .unwrap()
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let items = [
            delivery("d1", serde_json::json!({"note": "a, \"b\"\nc"})),
            delivery("d2", serde_json::json!(1)),
        ];
        let text = String::from_utf8(encode_page(ExportFormat::Csv, &items, true)).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][0], "d1");
        assert_eq!(&rows[0][1], "2024-01-15T10:00:00Z");
        assert_eq!(&rows[0][4], "failed");
        assert_eq!(&rows[0][5], "503");
        assert_eq!(&rows[0][10], r#"{"note":"a, \"b\"\nc"}"#);
        let later = encode_page(ExportFormat::Csv, &items[1..], false);
        assert!(String::from_utf8(later).unwrap().starts_with("d2,"));
    }

    #[test]
    fn ndjson_is_one_delivery_per_line() {
        let items = [
            delivery("d1", serde_json::json!({"x": "line\nbreak"})),
            delivery("d2", serde_json::json!(null)),
        ];
        let text = String::from_utf8(encode_page(ExportFormat::Ndjson, &items, true)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: Delivery = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(back.id.0, "d1");
        assert_eq!(back.payload["x"], "line\nbreak");
    }
}
