//! The compact per-span byte record: attribute key/value pairs by interned id (strings) or
//! inline (ints as zig-zag varints, doubles, bools), plus the rarely used span parts (events,
//! links, trace state, dropped counts, flags) kept as an OTLP-encoded `Span` for re-rendering.
//!
//! Layout: `varint dropped_attributes, varint extras_len, extras, varint n, n × (varint key,
//! u8 tag, payload)`.

const TAG_STR: u8 = 0;
const TAG_FALSE: u8 = 1;
const TAG_TRUE: u8 = 2;
const TAG_INT: u8 = 3;
const TAG_FLOAT: u8 = 4;
const TAG_RAW: u8 = 5;
const TAG_EMPTY: u8 = 6;

/// One stored attribute value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValRef<'a> {
    /// Interned string id.
    Str(u32),
    /// Integer.
    Int(i64),
    /// Double.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// Array, key-value list or bytes, as an OTLP-encoded `AnyValue`.
    Raw(&'a [u8]),
    /// An attribute without a value.
    Empty,
}

/// Appends a LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends one attribute.
pub fn put_attr(out: &mut Vec<u8>, key: u32, value: ValRef<'_>) {
    put_varint(out, u64::from(key));
    match value {
        ValRef::Str(id) => {
            out.push(TAG_STR);
            put_varint(out, u64::from(id));
        }
        ValRef::Bool(b) => out.push(if b { TAG_TRUE } else { TAG_FALSE }),
        ValRef::Int(i) => {
            out.push(TAG_INT);
            put_varint(out, ((i << 1) ^ (i >> 63)) as u64);
        }
        ValRef::Float(f) => {
            out.push(TAG_FLOAT);
            out.extend_from_slice(&f.to_le_bytes());
        }
        ValRef::Raw(bytes) => {
            out.push(TAG_RAW);
            put_varint(out, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
        ValRef::Empty => out.push(TAG_EMPTY),
    }
}

/// Appends the record head: dropped attribute count and the extras.
pub fn put_head(out: &mut Vec<u8>, dropped_attributes: u32, extras: &[u8]) {
    put_varint(out, u64::from(dropped_attributes));
    put_varint(out, extras.len() as u64);
    out.extend_from_slice(extras);
}

/// Bytes of `v` as a varint.
fn varint_len(v: u32) -> usize {
    (32 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// A cursor over an encoded record; every read is bounds-checked.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos)?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn skip_varint(&mut self) -> Option<()> {
        let len = self.buf.get(self.pos..)?.iter().position(|b| *b < 0x80)?;
        self.pos += len + 1;
        Some(())
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.buf.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(out)
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }
}

/// A decoded view of one span record.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// `dropped_attributes_count` of the span.
    pub dropped_attributes: u32,
    /// OTLP-encoded `Span` carrying events, links, trace state, dropped counts and flags (may be empty).
    pub extras: &'a [u8],
    attrs: &'a [u8],
}

impl<'a> Record<'a> {
    /// Parses the head of a record.
    pub fn parse(buf: &'a [u8]) -> Record<'a> {
        let mut r = Reader { buf, pos: 0 };
        let parsed = (|| {
            let dropped = r.varint()? as u32;
            let len = r.varint()? as usize;
            let extras = r.bytes(len)?;
            Some((dropped, extras))
        })();
        match parsed {
            Some((dropped_attributes, extras)) => Record { dropped_attributes, extras, attrs: &buf[r.pos..] },
            None => Record { dropped_attributes: 0, extras: &[], attrs: &[] },
        }
    }

    /// The attributes, in stored order.
    pub fn attrs(&self) -> AttrIter<'a> {
        let mut reader = Reader { buf: self.attrs, pos: 0 };
        let remaining = reader.varint().unwrap_or(0);
        AttrIter { reader, remaining }
    }

    /// The value of the attribute with this key id (skips other values without decoding them).
    pub fn attr(&self, key: u32) -> Option<ValRef<'a>> {
        let mut r = Reader { buf: self.attrs, pos: 0 };
        let n = r.varint()?;
        for _ in 0..n {
            let k = r.varint()? as u32;
            if k == key {
                let mut rest =
                    AttrIter { reader: Reader { buf: self.attrs, pos: r.pos - varint_len(k) }, remaining: 1 };
                return rest.next().map(|(_, v)| v);
            }
            match r.byte()? {
                TAG_STR | TAG_INT => r.skip_varint()?,
                TAG_FLOAT => r.pos += 8,
                TAG_RAW => {
                    let len = r.varint()? as usize;
                    r.pos += len;
                }
                _ => {}
            }
        }
        None
    }
}

/// Iterator over `(key id, value)` pairs of a record.
pub struct AttrIter<'a> {
    reader: Reader<'a>,
    remaining: u64,
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = (u32, ValRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let r = &mut self.reader;
        let key = r.varint()? as u32;
        let value = match r.byte()? {
            TAG_STR => ValRef::Str(r.varint()? as u32),
            TAG_FALSE => ValRef::Bool(false),
            TAG_TRUE => ValRef::Bool(true),
            TAG_INT => {
                let z = r.varint()?;
                ValRef::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            TAG_FLOAT => {
                let mut b = [0u8; 8];
                b.copy_from_slice(r.bytes(8)?);
                ValRef::Float(f64::from_le_bytes(b))
            }
            TAG_RAW => {
                let n = r.varint()? as usize;
                ValRef::Raw(r.bytes(n)?)
            }
            _ => ValRef::Empty,
        };
        Some((key, value))
    }
}

/// Encodes a whole record (ingest writes the parts directly into the segment).
#[cfg(test)]
pub fn encode(out: &mut Vec<u8>, dropped: u32, extras: &[u8], attrs: &[(u32, ValRef<'_>)]) {
    put_head(out, dropped, extras);
    put_varint(out, attrs.len() as u64);
    for (key, value) in attrs {
        put_attr(out, *key, *value);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::{Record, ValRef, encode};

    /// Pins that every value kind survives an encode/decode round trip, including negative ints.
    #[test]
    fn round_trip() {
        let attrs = [
            (1, ValRef::Str(7)),
            (2, ValRef::Int(-201)),
            (3, ValRef::Int(i64::MAX)),
            (4, ValRef::Float(101.25)),
            (5, ValRef::Bool(true)),
            (6, ValRef::Raw(&[1, 2, 3])),
            (300, ValRef::Empty),
            (20_000, ValRef::Str(1 << 30)),
        ];
        let mut buf = Vec::new();
        encode(&mut buf, 4, b"xyz", &attrs);
        let rec = Record::parse(&buf);
        assert_eq!(rec.dropped_attributes, 4);
        assert_eq!(rec.extras, b"xyz");
        let back: Vec<_> = rec.attrs().collect();
        assert_eq!(back, attrs.to_vec());
        for (key, value) in attrs {
            assert_eq!(rec.attr(key), Some(value), "key {key}");
        }
        assert_eq!(rec.attr(9), None);
    }

    /// Pins that a truncated record decodes to fewer attributes instead of panicking.
    #[test]
    fn truncated_is_safe() {
        let mut buf = Vec::new();
        encode(&mut buf, 0, b"", &[(1, ValRef::Float(1.0)), (2, ValRef::Str(3))]);
        buf.truncate(buf.len() - 3);
        let rec = Record::parse(&buf);
        assert!(rec.attrs().count() < 2);
    }
}
