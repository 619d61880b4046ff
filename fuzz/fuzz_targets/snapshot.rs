//! Fuzz target `snapshot`: restoring bytes that storage handed back
//! damaged. Three shapes of input, chosen by the first byte:
//! - arbitrary bytes, as they are;
//! - arbitrary bytes behind a valid format marker and checksum, so the
//!   decoder and every invariant check after it are reached;
//! - a real snapshot of a small engine with bits flipped and bytes cut.
//! Never a panic; a restore either fails with STORAGE_ERROR or gives an
//! engine that answers queries and snapshots again.
#![no_main]

use kraiter_segments::api::Engine;
use kraiter_segments::engine::snapshot::wrap_body;
use kraiter_segments::error::Code;
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_757_930_400_000;

fn small_engine() -> Engine {
    let mut e = Engine::new();
    let run = |e: &mut Engine, cmd: &str, input: &str| {
        let entry = format!("{{\"cmd\":\"{cmd}\",\"now\":{NOW},\"seed\":[1,2,3,4],\"input\":{input}}}");
        e.execute(&entry).expect(cmd);
    };
    run(&mut e, "contacts.import", r#"[{"email":"a@x.io","properties":{"plan":"pro","n":3,"t":["x"]}},{"email":"b@x.io","suppressed":true}]"#);
    run(&mut e, "events.import", r#"[{"name":"login","email":"a@x.io","timestamp":1757930000000},{"name":"buy","email":"c@x.io"}]"#);
    run(&mut e, "segments.create", r#"{"name":"S","rules":[{"field":"properties.plan","op":"exists"}]}"#);
    e
}

fn exercise(mut e: Engine) {
    for q in ["contacts.list", "segments.list"] {
        let entry = format!("{{\"cmd\":\"{q}\",\"now\":{NOW},\"input\":{{\"limit\":100}}}}");
        let _ = e.query(&entry);
    }
    let preview = format!(
        "{{\"cmd\":\"segments.preview\",\"now\":{NOW},\"input\":{{\"rules\":{{\"operator\":\"or\",\"conditions\":[{{\"field\":\"events.login\",\"op\":\"occurred\",\"within\":\"7d\"}},{{\"field\":\"properties.plan\",\"op\":\"contains\",\"value\":\"p\"}}]}}}}}}"
    );
    let _ = e.query(&preview);
    let again = e.snapshot();
    assert!(Engine::restore(&again).is_ok(), "a restored engine's own snapshot must restore");
}

fn restore(bytes: &[u8]) {
    match Engine::restore(bytes) {
        Ok(e) => exercise(e),
        Err(err) => assert_eq!(err.code, Code::StorageError),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 3 {
        0 => restore(rest),
        1 => restore(&wrap_body(rest)),
        _ => {
            let mut bytes = small_engine().snapshot();
            let mut flips = rest.chunks_exact(3);
            for c in flips.by_ref() {
                let at = usize::from(u16::from_le_bytes([c[0], c[1]])) % bytes.len();
                bytes[at] ^= 1 << (c[2] % 8);
            }
            if let [cut, ..] = flips.remainder() {
                bytes.truncate(bytes.len() - usize::from(*cut) % bytes.len());
            }
            restore(&bytes);
        }
    }
});
