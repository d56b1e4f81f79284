//! The pickle machine: interprets the safe opcode subset a
//! `tracemalloc.Snapshot.dump()` pickle uses into an arena of plain values.
//! It executes nothing and knows two classes only; everything else is an
//! error naming the opcode or class and its byte offset.

use std::collections::HashMap;

use crate::diagnostic::{LoadError, Location};

pub(super) type Id = u32;

#[derive(Debug, Clone)]
pub(super) enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An integer too large for i64.
    BigInt,
    Str(Box<str>),
    Tuple(Vec<Id>),
    List(Vec<Id>),
    Dict(Vec<(Id, Id)>),
    Class(AllowedClass),
    Object {
        class: AllowedClass,
        state: Option<Id>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AllowedClass {
    Snapshot,
    Traces,
}

/// Stack slot: a value or a MARK.
const MARK: Id = u32::MAX;

struct Machine<'a> {
    bytes: &'a [u8],
    pos: usize,
    arena: Vec<Value>,
    stack: Vec<Id>,
    memo: HashMap<u32, Id>,
    /// Byte offset of the opcode being run.
    at: usize,
}

fn err(message: impl Into<String>, at: usize) -> LoadError {
    LoadError::new(message, Some(Location::Byte(at as u64)))
}

impl<'a> Machine<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        if self.bytes.len() - self.pos < n {
            return Err(err(format!("the pickle ends too early (truncated?): opcode needs {n} more bytes"), self.at));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?[0])
    }

    fn u32le(&mut self) -> Result<u32, LoadError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64le(&mut self) -> Result<u64, LoadError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn line(&mut self) -> Result<&'a str, LoadError> {
        let rest = &self.bytes[self.pos..];
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Err(err("the pickle ends inside a text argument (truncated?)", self.at));
        };
        self.pos += end + 1;
        std::str::from_utf8(&rest[..end]).map_err(|_| err("a text argument is not valid UTF-8", self.at))
    }

    fn push(&mut self, v: Value) {
        self.arena.push(v);
        self.stack.push((self.arena.len() - 1) as Id);
    }

    fn pop(&mut self) -> Result<Id, LoadError> {
        match self.stack.pop() {
            Some(MARK) => Err(err("malformed pickle: an opcode consumed a MARK", self.at)),
            Some(id) => Ok(id),
            None => Err(err("malformed pickle: stack underflow", self.at)),
        }
    }

    fn top(&self) -> Result<Id, LoadError> {
        match self.stack.last() {
            Some(&id) if id != MARK => Ok(id),
            _ => Err(err("malformed pickle: no value on the stack", self.at)),
        }
    }

    /// Pops everything down to the last MARK.
    fn pop_mark(&mut self) -> Result<Vec<Id>, LoadError> {
        let Some(m) = self.stack.iter().rposition(|&x| x == MARK) else {
            return Err(err("malformed pickle: no MARK", self.at));
        };
        let items = self.stack.split_off(m + 1);
        self.stack.pop();
        Ok(items)
    }

    fn str_value(&mut self, n: usize) -> Result<(), LoadError> {
        let raw = self.take(n)?;
        let s = std::str::from_utf8(raw).map_err(|e| err(format!("a string is not valid UTF-8 ({e})"), self.at))?;
        self.push(Value::Str(s.into()));
        Ok(())
    }

    fn class(&mut self, module: &str, name: &str) -> Result<(), LoadError> {
        let class = match (module, name) {
            ("tracemalloc", "Snapshot") => AllowedClass::Snapshot,
            ("tracemalloc", "_Traces") => AllowedClass::Traces,
            _ => {
                return Err(err(
                    format!("the pickle refers to `{module}.{name}`: not a tracemalloc snapshot (heapscope reads only tracemalloc.Snapshot.dump() pickles and executes nothing)"),
                    self.at,
                ))
            }
        };
        self.push(Value::Class(class));
        Ok(())
    }

    fn instantiate(&mut self, callable: Id, what: &str) -> Result<(), LoadError> {
        match self.arena[callable as usize] {
            Value::Class(class) => {
                self.push(Value::Object { class, state: None });
                Ok(())
            }
            _ => Err(err(format!("{what} applied to something other than a tracemalloc class; not a tracemalloc snapshot"), self.at)),
        }
    }

    fn memo_put(&mut self, key: u32) -> Result<(), LoadError> {
        let v = self.top()?;
        self.memo.insert(key, v);
        Ok(())
    }

    fn memo_get(&mut self, key: u32) -> Result<(), LoadError> {
        match self.memo.get(&key) {
            Some(&v) => {
                self.stack.push(v);
                Ok(())
            }
            None => Err(err(format!("malformed pickle: memo entry {key} is read before it is written"), self.at)),
        }
    }

    fn int_text(&mut self, text: &str) -> Result<(), LoadError> {
        let t = text.trim_end_matches('L');
        let v = match t {
            "00" => Value::Bool(false),
            "01" => Value::Bool(true),
            _ => match t.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) if !t.is_empty() && t.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) => Value::BigInt,
                Err(_) => return Err(err(format!("malformed pickle: bad integer {t:?}"), self.at)),
            },
        };
        self.push(v);
        Ok(())
    }

    fn long_bytes(&mut self, n: usize) -> Result<(), LoadError> {
        let b = self.take(n)?;
        let v = if n == 0 {
            Value::Int(0)
        } else if n <= 8 {
            let negative = b[n - 1] & 0x80 != 0;
            let mut a = if negative { [0xffu8; 8] } else { [0u8; 8] };
            a[..n].copy_from_slice(b);
            Value::Int(i64::from_le_bytes(a))
        } else {
            Value::BigInt
        };
        self.push(v);
        Ok(())
    }

    /// Runs to STOP and returns the top value.
    fn run(&mut self) -> Result<Id, LoadError> {
        loop {
            self.at = self.pos;
            // An opcode adds at most one value and one stack slot: room for
            // them is reserved fallibly, so a pickle too large for the memory
            // left is refused instead of aborting the process.
            if !crate::load::room_for_one(&mut self.arena) || !crate::load::room_for_one(&mut self.stack) {
                return Err(err(
                    format!("{} for this pickle: an allocation failed after {} values", crate::load::NOT_ENOUGH_MEMORY, self.arena.len()),
                    self.at,
                ));
            }
            let op = self.u8().map_err(|_| err("the pickle ends without a STOP opcode (truncated?)", self.at))?;
            match op {
                0x80 => {
                    let proto = self.u8()?;
                    if proto > 5 {
                        return Err(err(format!("pickle protocol {proto} is newer than this reader (5)"), self.at));
                    }
                }
                0x95 => {
                    self.u64le()?;
                }
                b'.' => return self.pop(),
                b'(' => self.stack.push(MARK),
                b'0' => {
                    self.pop()?;
                }
                b'1' => {
                    self.pop_mark()?;
                }
                b'2' => {
                    let v = self.top()?;
                    self.stack.push(v);
                }
                b'N' => self.push(Value::None),
                0x88 => self.push(Value::Bool(true)),
                0x89 => self.push(Value::Bool(false)),
                b'J' => {
                    let v = self.u32le()? as i32;
                    self.push(Value::Int(v as i64));
                }
                b'K' => {
                    let v = self.u8()?;
                    self.push(Value::Int(v as i64));
                }
                b'M' => {
                    let b = self.take(2)?;
                    self.push(Value::Int(u16::from_le_bytes([b[0], b[1]]) as i64));
                }
                0x8a => {
                    let n = self.u8()? as usize;
                    self.long_bytes(n)?;
                }
                0x8b => {
                    let n = self.u32le()? as usize;
                    self.long_bytes(n)?;
                }
                b'I' | b'L' => {
                    let t = self.line()?;
                    self.int_text(t)?;
                }
                0x8c => {
                    let n = self.u8()? as usize;
                    self.str_value(n)?;
                }
                b'X' => {
                    let n = self.u32le()? as usize;
                    self.str_value(n)?;
                }
                0x8d => {
                    let n = usize::try_from(self.u64le()?).unwrap_or(usize::MAX);
                    self.str_value(n)?;
                }
                b')' => self.push(Value::Tuple(Vec::new())),
                b't' => {
                    let items = self.pop_mark()?;
                    self.push(Value::Tuple(items));
                }
                0x85..=0x87 => {
                    let n = (op - 0x84) as usize;
                    if self.stack.len() < n || self.stack[self.stack.len() - n..].contains(&MARK) {
                        return Err(err("malformed pickle: tuple of missing values", self.at));
                    }
                    let items = self.stack.split_off(self.stack.len() - n);
                    self.push(Value::Tuple(items));
                }
                b']' => self.push(Value::List(Vec::new())),
                b'l' => {
                    let items = self.pop_mark()?;
                    self.push(Value::List(items));
                }
                b'a' | b'e' => {
                    let items = if op == b'a' { vec![self.pop()?] } else { self.pop_mark()? };
                    let list = self.top()?;
                    match &mut self.arena[list as usize] {
                        Value::List(v) => v.extend(items),
                        _ => return Err(err("malformed pickle: APPEND to something that is not a list", self.at)),
                    }
                }
                b'}' => self.push(Value::Dict(Vec::new())),
                b'd' | b's' | b'u' => {
                    let items = match op {
                        b's' => {
                            let v = self.pop()?;
                            let k = self.pop()?;
                            vec![k, v]
                        }
                        _ => self.pop_mark()?,
                    };
                    if items.len() % 2 != 0 {
                        return Err(err("malformed pickle: a dict item without its value", self.at));
                    }
                    let pairs = items.chunks(2).map(|c| (c[0], c[1]));
                    if op == b'd' {
                        self.push(Value::Dict(pairs.collect()));
                    } else {
                        let dict = self.top()?;
                        match &mut self.arena[dict as usize] {
                            Value::Dict(d) => d.extend(pairs),
                            _ => return Err(err("malformed pickle: SETITEM on something that is not a dict", self.at)),
                        }
                    }
                }
                0x94 => {
                    let key = self.memo.len() as u32;
                    self.memo_put(key)?;
                }
                b'q' => {
                    let key = self.u8()? as u32;
                    self.memo_put(key)?;
                }
                b'r' => {
                    let key = self.u32le()?;
                    self.memo_put(key)?;
                }
                b'p' => {
                    let key = self.line()?.parse().map_err(|_| err("malformed pickle: bad PUT index", self.at))?;
                    self.memo_put(key)?;
                }
                b'h' => {
                    let key = self.u8()? as u32;
                    self.memo_get(key)?;
                }
                b'j' => {
                    let key = self.u32le()?;
                    self.memo_get(key)?;
                }
                b'g' => {
                    let key = self.line()?.parse().map_err(|_| err("malformed pickle: bad GET index", self.at))?;
                    self.memo_get(key)?;
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.class(module, name)?;
                }
                0x93 => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    match (&self.arena[module as usize], &self.arena[name as usize]) {
                        (Value::Str(m), Value::Str(n)) => {
                            let (m, n) = (m.to_string(), n.to_string());
                            self.class(&m, &n)?;
                        }
                        _ => return Err(err("malformed pickle: STACK_GLOBAL needs two strings", self.at)),
                    }
                }
                0x81 => {
                    let _args = self.pop()?;
                    let class = self.pop()?;
                    self.instantiate(class, "NEWOBJ")?;
                }
                b'R' => {
                    let _args = self.pop()?;
                    let callable = self.pop()?;
                    self.instantiate(callable, "REDUCE")?;
                }
                b'b' => {
                    let state = self.pop()?;
                    let obj = self.top()?;
                    match &mut self.arena[obj as usize] {
                        Value::Object { state: s, .. } => *s = Some(state),
                        _ => return Err(err("malformed pickle: BUILD on something that is not an object", self.at)),
                    }
                }
                other => {
                    return Err(err(
                        format!("unsupported pickle opcode 0x{other:02x}: this reader accepts only tracemalloc snapshots"),
                        self.at,
                    ))
                }
            }
        }
    }
}

/// Runs the pickle: the arena of values and the id of the top one.
pub(super) fn run(bytes: &[u8]) -> Result<(Vec<Value>, Id), LoadError> {
    let mut m = Machine { bytes, pos: 0, arena: Vec::new(), stack: Vec::new(), memo: HashMap::new(), at: 0 };
    let top = m.run()?;
    Ok((m.arena, top))
}
