//! Imports from text: the body of an entry (`contacts.import` or
//! `events.import` given NDJSON or CSV instead of an array), read in one
//! pass into the same per-record checks and planning as an array's records,
//! so the three forms cannot disagree. The SDK, the log and replay carry
//! the text as it came; nothing turns it into JSON records first.
//!
//! - NDJSON: one record object per line, the keys of an array's records;
//!   blank lines are skipped.
//! - CSV (RFC 4180, read by `csv-core`): a header row names each column's
//!   target (`email`, `name`, `properties.plan`, ...), or the `columns`
//!   option does (`null` skips a column). Field cells are trimmed and empty
//!   means absent; property cells are typed as README "Imports from text"
//!   says (true/false, plain decimals, else the text).

use std::borrow::Cow;

use super::contacts::ContactIn;
use super::events::{EventIn, WhoIn};
use super::fields::Fields;
use super::input;
use super::props::{self, Pairs, PIn, MAX_EVENT_PROPERTIES};
use super::Entry;
use crate::error::{Error, Result};
use crate::text::clip;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Ndjson,
    Csv,
}

/// A text import's options, from the entry's input: `{ format, columns? }`.
pub struct Options<'a> {
    format: Format,
    /// CSV only: each column's target, overriding the header.
    columns: Option<Vec<Option<Cow<'a, str>>>>,
}

impl<'a> Options<'a> {
    pub fn read(e: &Entry<'a>) -> Result<Self> {
        let f = e.fields(&["format", "columns"])?;
        let format = match f.get("format").and_then(input::string).as_deref() {
            Some("ndjson") => Format::Ndjson,
            Some("csv") => Format::Csv,
            _ => return Err(Error::invalid("format", "format must be \"ndjson\" or \"csv\"")),
        };
        let columns = match f.get("columns") {
            None => None,
            Some(_) if format != Format::Csv => return Err(Error::invalid("columns", "columns apply to CSV only")),
            Some(raw) => {
                let cells: Vec<&serde_json::value::RawValue> = serde_json::from_str(raw.get())
                    .map_err(|_| Error::invalid("columns", "columns must be an array of column targets (strings, or null to skip)"))?;
                let mut out = Vec::with_capacity(cells.len());
                for (i, c) in cells.into_iter().enumerate() {
                    out.push(match c.get() {
                        "null" => None,
                        _ => Some(input::string(c).ok_or_else(|| Error::invalid(format!("columns[{i}]"), "a column target is a string, or null to skip the column"))?),
                    });
                }
                Some(out)
            }
        };
        Ok(Options { format, columns })
    }
}

/// What a CSV column holds.
#[derive(Clone, PartialEq, Eq)]
enum Target {
    Skip,
    Email,
    Suppressed,
    Name,
    ContactId,
    Timestamp,
    Property(String),
}

/// Which record a text import builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Contacts,
    Events,
}

impl Kind {
    fn fields(self) -> &'static str {
        match self {
            Kind::Contacts => "email, suppressed",
            Kind::Events => "name, email, contactId, timestamp",
        }
    }

    fn target(self, s: &str) -> Option<Target> {
        if let Some(key) = s.strip_prefix("properties.") {
            return Some(Target::Property(key.to_string()));
        }
        Some(match (self, s) {
            (_, "email") => Target::Email,
            (Kind::Contacts, "suppressed") => Target::Suppressed,
            (Kind::Events, "name") => Target::Name,
            (Kind::Events, "contactId") => Target::ContactId,
            (Kind::Events, "timestamp") => Target::Timestamp,
            _ => return None,
        })
    }
}

/// The records of `body` as contacts, each handed to `one` with its index
/// (`one` answers whether to stop: too many bad records).
pub fn contacts(o: &Options, body: &str, one: &mut dyn FnMut(usize, Result<ContactIn<'_>>) -> bool) -> Result<()> {
    match o.format {
        Format::Ndjson => ndjson(body, "a contact record", &mut |i, f| one(i, f.and_then(|f| ContactIn::read(&f)))),
        Format::Csv => csv(o, body, Kind::Contacts, &mut |i, row| one(i, row.and_then(contact_of))),
    }
}

/// The records of `body` as events (see `contacts`).
pub fn events(o: &Options, body: &str, one: &mut dyn FnMut(usize, Result<EventIn<'_>>) -> bool) -> Result<()> {
    match o.format {
        Format::Ndjson => ndjson(body, "an event record", &mut |i, f| one(i, f.and_then(|f| EventIn::read(&f)))),
        Format::Csv => csv(o, body, Kind::Events, &mut |i, row| one(i, row.and_then(event_of))),
    }
}

fn ndjson<'a>(body: &'a str, what: &str, one: &mut dyn FnMut(usize, Result<Fields<'a>>) -> bool) -> Result<()> {
    let mut i = 0;
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let f = serde_json::from_str::<Fields>(line).map_err(|_| Error::invalid("", format!("{what} must be a JSON object on one line")));
        if one(i, f) {
            break;
        }
        i += 1;
    }
    Ok(())
}

/// One CSV data row: its unescaped cells back to back and where each ends,
/// with the header's column targets.
struct Row<'r> {
    cols: &'r Columns,
    text: &'r str,
    ends: &'r [usize],
}

impl<'r> Row<'r> {
    fn cell(&self, i: usize) -> &'r str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..self.ends[i]).unwrap_or("")
    }

    /// The trimmed cell of column `i`, `None` when there is none or it is empty.
    fn field(&self, i: Option<usize>) -> Option<&'r str> {
        i.and_then(|i| field(self.cell(i)))
    }
}

/// The header, resolved: each column's target and where the fields are.
struct Columns {
    targets: Vec<Target>,
    email: Option<usize>,
    suppressed: Option<usize>,
    name: Option<usize>,
    contact_id: Option<usize>,
    timestamp: Option<usize>,
    /// (column, key) of each property column.
    props: Vec<(usize, String)>,
}

impl Columns {
    fn new(targets: Vec<Target>) -> Self {
        let at = |want: Target| targets.iter().position(|t| *t == want);
        let props = targets
            .iter()
            .enumerate()
            .filter_map(|(i, t)| if let Target::Property(k) = t { Some((i, k.clone())) } else { None })
            .collect();
        Columns {
            email: at(Target::Email),
            suppressed: at(Target::Suppressed),
            name: at(Target::Name),
            contact_id: at(Target::ContactId),
            timestamp: at(Target::Timestamp),
            props,
            targets,
        }
    }
}

fn csv(o: &Options, body: &str, kind: Kind, one: &mut dyn FnMut(usize, Result<Row<'_>>) -> bool) -> Result<()> {
    let mut rdr = csv_core::Reader::new();
    let mut input = body.as_bytes();
    let (mut out, mut ends) = (vec![0u8; 1024], vec![0usize; 64]);
    let mut targets: Option<Columns> = None;
    let mut i = 0;
    loop {
        let (mut nout, mut nend) = (0, 0);
        let done = loop {
            let (res, nin, o2, e2) = rdr.read_record(input, &mut out[nout..], &mut ends[nend..]);
            input = &input[nin..];
            nout += o2;
            nend += e2;
            match res {
                csv_core::ReadRecordResult::InputEmpty => continue,
                csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => break false,
                csv_core::ReadRecordResult::End => break true,
            }
        };
        if done {
            break;
        }
        // The row's text is valid UTF-8 (the input is, and only ASCII quotes
        // and separators are taken out), checked once per row.
        let text = std::str::from_utf8(&out[..nout]).unwrap_or("");
        let ends = &ends[..nend];
        match &targets {
            None => {
                let names: Vec<&str> = (0..nend).map(|i| text.get(if i == 0 { 0 } else { ends[i - 1] }..ends[i]).unwrap_or("")).collect();
                targets = Some(Columns::new(header(o, kind, &names)?));
            }
            Some(cols) => {
                let row = if nend == cols.targets.len() {
                    Ok(Row { cols, text, ends })
                } else {
                    Err(Error::invalid("", format!("a row has {} cells; the header has {}", nend, cols.targets.len())))
                };
                if one(i, row) {
                    break;
                }
                i += 1;
            }
        }
    }
    if targets.is_none() {
        return Err(Error::invalid("", "CSV text needs a header row naming its columns"));
    }
    Ok(())
}

/// The column targets, from `columns` or the header row, checked.
fn header(o: &Options, kind: Kind, names: &[&str]) -> Result<Vec<Target>> {
    let given: Vec<Option<&str>> = match &o.columns {
        Some(c) if c.len() != names.len() => {
            return Err(Error::invalid("columns", format!("{} column targets for a header of {} columns", c.len(), names.len())))
        }
        Some(c) => c.iter().map(|t| t.as_deref()).collect(),
        None => names.iter().map(|n| Some(n.trim())).collect(),
    };
    let mut out: Vec<Target> = Vec::with_capacity(given.len());
    for (i, g) in given.iter().enumerate() {
        let at = format!("columns[{i}]");
        let Some(name) = g else {
            out.push(Target::Skip);
            continue;
        };
        let t = kind.target(name).ok_or_else(|| {
            Error::invalid(
                &at,
                format!("unknown column '{}'; a column is one of {} or properties.<key>", clip(name), kind.fields()),
            )
        })?;
        if let Target::Property(key) = &t {
            if kind == Kind::Events {
                props::check_event_key(key, &|| at.clone())?;
            } else if key.is_empty() {
                return Err(Error::invalid(&at, "a property key is at least one character"));
            }
        }
        if out.contains(&t) {
            return Err(Error::invalid(&at, format!("column '{}' appears twice", clip(name))));
        }
        out.push(t);
    }
    let has = |t: &Target| out.contains(t);
    let props = out.iter().filter(|t| matches!(t, Target::Property(_))).count();
    match kind {
        Kind::Contacts if !has(&Target::Email) => return Err(Error::invalid("columns", "contacts need an email column")),
        Kind::Events if !has(&Target::Name) => return Err(Error::invalid("columns", "events need a name column")),
        Kind::Events if !has(&Target::Email) && !has(&Target::ContactId) => {
            return Err(Error::invalid("columns", "events need an email or a contactId column"))
        }
        Kind::Events if props > MAX_EVENT_PROPERTIES => {
            return Err(Error::invalid("columns", format!("an event has at most {MAX_EVENT_PROPERTIES} properties")))
        }
        _ => {}
    }
    Ok(out)
}

/// A field cell: trimmed, `None` when empty.
fn field<'r>(cell: &'r str) -> Option<&'r str> {
    Some(cell.trim()).filter(|t| !t.is_empty())
}

/// A property cell as a value: empty (or blanks) is absent; `true` /
/// `false` in any case a boolean; a plain decimal of at most 16 characters
/// a number (not `007`, `1.`, `+1` or longer digit strings, which would
/// lose digits); anything else the cell's text as it is.
fn cell_value(cell: &str) -> Option<PIn<'_>> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") {
        return Some(PIn::Bool(t.eq_ignore_ascii_case("true")));
    }
    if t.len() < 17 && plain_decimal(t) {
        if let Ok(n) = t.parse::<f64>() {
            return Some(PIn::Num(if n == 0.0 { 0.0 } else { n }));
        }
    }
    Some(PIn::Str(Cow::Borrowed(cell)))
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn plain_decimal(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The property pairs of a row (its non-empty property cells).
fn row_props<'r>(row: &Row<'r>) -> Pairs<'r> {
    let mut out = Vec::with_capacity(row.cols.props.len());
    for (i, key) in &row.cols.props {
        if let Some(v) = cell_value(row.cell(*i)) {
            out.push((Cow::Borrowed(key.as_str()), v));
        }
    }
    out
}

fn contact_of(row: Row<'_>) -> Result<ContactIn<'_>> {
    let c = row.cols;
    let Some(email) = row.field(c.email) else { return Err(Error::invalid("email", "email is required")) };
    input::email_str(email, "email")?;
    let suppressed = match row.field(c.suppressed) {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(s) if s.eq_ignore_ascii_case("false") => Some(false),
        Some(_) => return Err(Error::invalid("suppressed", "must be true or false")),
    };
    Ok(ContactIn { email: Cow::Borrowed(email), suppressed, props: row_props(&row) })
}

fn event_of(row: Row<'_>) -> Result<EventIn<'_>> {
    let c = row.cols;
    let Some(name) = row.field(c.name) else { return Err(Error::invalid("name", "event name is required")) };
    let name = input::event_name_text(Cow::Borrowed(name), "name")?;
    let props = row_props(&row);
    let ts = row.field(c.timestamp).map(|t| input::timestamp_text(t, "timestamp")).transpose()?;
    let who = match (row.field(c.contact_id), row.field(c.email)) {
        (Some(_), Some(_)) => return Err(Error::invalid("contactId", "give exactly one of contactId and email, not both")),
        (None, None) => return Err(Error::invalid("contactId", "give exactly one of contactId and email")),
        (Some(id), None) => WhoIn::Id(Cow::Borrowed(id)),
        (None, Some(email)) => {
            input::email_str(email, "email")?;
            WhoIn::Email(Cow::Borrowed(email))
        }
    };
    Ok(EventIn { name, who, ts, props, props_text: "{}" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_typed_like_the_app_types_them() {
        let v = |s: &str| match cell_value(s) {
            None => "absent".to_string(),
            Some(PIn::Bool(b)) => format!("bool {b}"),
            Some(PIn::Num(n)) => format!("num {n}"),
            Some(PIn::Str(s)) => format!("str {s:?}"),
            Some(_) => "other".into(),
        };
        assert_eq!(v(""), "absent");
        assert_eq!(v("  "), "absent");
        assert_eq!(v("TRUE"), "bool true");
        assert_eq!(v(" false "), "bool false");
        assert_eq!(v("42"), "num 42");
        assert_eq!(v("-0"), "num 0");
        assert_eq!(v("1.5e3"), "num 1500");
        assert_eq!(v(" 7 "), "num 7");
        for s in ["007", "1.", ".5", "+1", "1e", "12345678901234567", "0x10", "1,5", "NaN", "Infinity"] {
            assert_eq!(v(s), format!("str {s:?}"), "{s}");
        }
        assert_eq!(v(" padded text "), "str \" padded text \"");
    }
}
