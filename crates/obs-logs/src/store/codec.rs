//! The compact byte form of one record's variable part (line, ids, severity text, attributes)
//! inside a segment's arena: varints, interned symbols for repeated values, raw bytes otherwise.

use super::intern::Sym;

/// Bit flags in a record's header byte.
pub const HAS_OBSERVED: u8 = 1;
/// The record carries a trace id.
pub const HAS_TRACE: u8 = 2;
/// The record carries a span id.
pub const HAS_SPAN: u8 = 4;
/// The record carries a severity text.
pub const HAS_SEVERITY_TEXT: u8 = 8;
/// The record carries non-zero flags.
pub const HAS_FLAGS: u8 = 16;

/// Appends an unsigned varint.
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads an unsigned varint at `*pos`, advancing it (0 on truncated input).
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    while let Some(&byte) = bytes.get(*pos) {
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 || shift >= 63 {
            break;
        }
        shift += 7;
    }
    value
}

/// Zigzag-encodes a signed value.
pub fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// Decodes a zigzag value.
pub fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

/// A metadata value as stored: an interned symbol or inline text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredValue<'a> {
    /// Interned.
    Sym(Sym),
    /// Inline bytes (valid UTF-8: written from a `&str`).
    Inline(&'a [u8]),
}

/// Appends a value: `sym << 1` or `len << 1 | 1` then the bytes.
pub fn put_value(out: &mut Vec<u8>, value: StoredValue<'_>) {
    match value {
        StoredValue::Sym(sym) => put_varint(out, u64::from(sym) << 1),
        StoredValue::Inline(bytes) => {
            put_varint(out, ((bytes.len() as u64) << 1) | 1);
            out.extend_from_slice(bytes);
        }
    }
}

/// Reads a value written by [`put_value`].
pub fn get_value<'a>(bytes: &'a [u8], pos: &mut usize) -> StoredValue<'a> {
    let head = get_varint(bytes, pos);
    if head & 1 == 0 {
        return StoredValue::Sym((head >> 1) as Sym);
    }
    let len = (head >> 1) as usize;
    let start = (*pos).min(bytes.len());
    let end = start.saturating_add(len).min(bytes.len());
    *pos = end;
    StoredValue::Inline(&bytes[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Varints, zigzag and values read back what was written.
    #[test]
    fn round_trips() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            put_varint(&mut out, v);
        }
        put_value(&mut out, StoredValue::Sym(77));
        put_value(&mut out, StoredValue::Inline(b"ord-3fa9c1"));
        let mut pos = 0;
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(get_varint(&out, &mut pos), v);
        }
        assert_eq!(get_value(&out, &mut pos), StoredValue::Sym(77));
        assert_eq!(get_value(&out, &mut pos), StoredValue::Inline(b"ord-3fa9c1"));
        assert_eq!(pos, out.len());
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -1_000_000] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }
}
