//! Where each node of a spec file is in its text, so every diagnostic can point at a line.
//!
//! `serde_yaml` reports positions only for its own syntax and type errors; the checks of
//! [`crate::lower`] know a node by its spec path (`endpoint.response.fields[2].type`). This index
//! maps each spec path to the byte span of its node, built from the events of a second YAML
//! parser (`saphyr-parser`), which reports a span for every event. Nothing here is guessed: a
//! path that is not in the file (a missing key) is located at its nearest ancestor that is.

use saphyr_parser::{Event, Parser, Span};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

/// The text of one spec file and the position of each of its nodes.
#[derive(Debug, Clone, Default)]
pub struct SourceIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Line lengths in bytes, without the line break.
    line_ends: Vec<usize>,
    nodes: HashMap<String, Node>,
    /// The key of each later occurrence of a key repeated in one mapping, by spec path.
    repeated_keys: HashMap<String, Range<usize>>,
    /// Every key and scalar span by its start offset, to widen a bare position into a token.
    tokens: HashMap<usize, Range<usize>>,
}

#[derive(Debug, Clone)]
struct Node {
    /// The span of the key that names the node, when its parent is a mapping.
    key: Option<Range<usize>>,
    /// The span of the node itself; for a collection, only its start is meaningful.
    value: Range<usize>,
    collection: bool,
}

/// A place in a spec file: 1-based line and column (in characters), and the span to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    /// Byte range in the file's text, never empty unless the line is.
    pub span: Range<usize>,
}

impl SourceIndex {
    /// Indexes `text`. A syntax error ends the index early; `serde_yaml` reports the error itself.
    pub fn build(text: &str) -> Self {
        let mut index = Self::lines(text);
        let mut builder = Builder::default();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let range = index.byte_range(text, span);
            if !builder.on_event(&event, range, &mut index) {
                break;
            }
        }
        index
    }

    fn lines(text: &str) -> Self {
        let mut line_starts = vec![0];
        let mut line_ends = Vec::new();
        for (offset, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                let end = if offset > 0 && text.as_bytes()[offset - 1] == b'\r' {
                    offset - 1
                } else {
                    offset
                };
                line_ends.push(end);
                line_starts.push(offset + 1);
            }
        }
        line_ends.push(text.len());
        Self {
            line_starts,
            line_ends,
            ..Self::default()
        }
    }

    /// The node at `spec_path`, or its nearest ancestor present in the file.
    pub fn locate(&self, text: &str, spec_path: &str) -> Option<Location> {
        let mut path = spec_path;
        loop {
            if let Some(node) = self.nodes.get(path) {
                let span = if node.collection
                    || node.value.start == node.value.end
                    || self.line_of(node.value.start) != self.line_of(node.value.end)
                {
                    // A collection, or a scalar over several lines: point at its key when it has
                    // one, else at its first line.
                    match &node.key {
                        Some(key) => key.clone(),
                        None => self.rest_of_line(text, node.value.start),
                    }
                } else {
                    node.value.clone()
                };
                return Some(self.location(text, span));
            }
            path = parent_path(path)?;
        }
    }

    /// The key that names the node at `spec_path`, when it is in the file and has one.
    pub fn locate_key(&self, text: &str, spec_path: &str) -> Option<Location> {
        let key = self.nodes.get(spec_path)?.key.clone()?;
        Some(self.location(text, key))
    }

    /// The second occurrence of a key that a mapping repeats, at `spec_path`.
    pub fn locate_repeated_key(&self, text: &str, spec_path: &str) -> Option<Location> {
        let key = self.repeated_keys.get(spec_path)?;
        Some(self.location(text, key.clone()))
    }

    /// A 1-based line and column from a parser that reports them (`serde_yaml`), widened to the
    /// key or scalar that starts there.
    pub fn locate_position(&self, text: &str, line: usize, column: usize) -> Option<Location> {
        let start = self.offset_of(text, line, column.saturating_sub(1))?;
        let span = match self.tokens.get(&start) {
            Some(token) => token.clone(),
            None => self.word_at(text, start),
        };
        Some(self.location(text, span))
    }

    fn location(&self, text: &str, span: Range<usize>) -> Location {
        let line = self.line_of(span.start);
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = text
            .get(line_start..span.start)
            .map_or(0, |before| before.chars().count())
            + 1;
        Location {
            line: line + 1,
            column,
            span,
        }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// Byte offset of a 1-based line and a 0-based column counted in characters.
    fn offset_of(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = *self.line_ends.get(line - 1)?;
        let in_line = text.get(start..end)?;
        let within = in_line
            .char_indices()
            .nth(column)
            .map_or(in_line.len(), |(offset, _)| offset);
        Some(start + within)
    }

    fn byte_range(&self, text: &str, span: Span) -> Range<usize> {
        let start = self.offset_of(text, span.start.line(), span.start.col());
        let end = self.offset_of(text, span.end.line(), span.end.col());
        match (start, end) {
            (Some(start), Some(end)) if start <= end => start..end,
            (Some(start), _) => start..start,
            _ => text.len()..text.len(),
        }
    }

    /// From `start` to the end of its line, without trailing blanks.
    fn rest_of_line(&self, text: &str, start: usize) -> Range<usize> {
        let end = self
            .line_ends
            .get(self.line_of(start))
            .copied()
            .unwrap_or(text.len());
        let trimmed = text.get(start..end).map_or(0, |s| s.trim_end().len());
        start..start + trimmed
    }

    /// The run of non-blank characters at `start` (at least one character when there is one).
    fn word_at(&self, text: &str, start: usize) -> Range<usize> {
        let rest = text.get(start..).unwrap_or_default();
        let len = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(c, ':' | ',' | ']' | '}'))
            .map_or(rest.len(), |(offset, _)| offset);
        let len = if len == 0 {
            rest.chars().next().map_or(0, char::len_utf8)
        } else {
            len
        };
        start..start + len
    }
}

/// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → ``; `None` above the root.
fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    Some(path.rfind(['.', '[']).map_or("", |cut| &path[..cut]))
}

/// The collections open at the current event.
#[derive(Debug)]
enum Frame {
    Mapping {
        path: String,
        /// The key whose value comes next, with its span; `None` when a key comes next.
        key: Option<(String, Range<usize>)>,
    },
    Sequence {
        path: String,
        next: usize,
    },
}

#[derive(Debug, Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Set once the first document's root node is complete.
    done: bool,
}

impl Builder {
    /// Records one event; `false` when the rest of the stream is of no interest.
    fn on_event(
        &mut self,
        event: &Event<'_>,
        range: Range<usize>,
        index: &mut SourceIndex,
    ) -> bool {
        match event {
            Event::Scalar(value, ..) => {
                index.tokens.insert(range.start, range.clone());
                if let Some(Frame::Mapping {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    *key = Some((value.to_string(), range));
                } else {
                    self.value(range, false, index);
                }
                // A scalar document has no collections to wait for.
                self.done |= self.stack.is_empty();
            }
            Event::Alias(_) => {
                self.value(range, false, index);
                self.done |= self.stack.is_empty();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = match self.stack.last_mut() {
                    // A collection used as a key: index its contents under a stand-in key.
                    Some(Frame::Mapping {
                        key: key @ None,
                        path,
                    }) => {
                        *key = Some(("?".to_owned(), range.clone()));
                        join(path, "?")
                    }
                    _ => self.value(range, true, index),
                };
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping { path, key: None }
                    } else {
                        Frame::Sequence { path, next: 0 }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                if self.stack.is_empty() {
                    self.done = true;
                }
            }
            Event::DocumentEnd | Event::StreamEnd => return false,
            _ => {}
        }
        !self.done
    }

    /// Records a node in value position and advances its parent; returns the node's path.
    fn value(&mut self, range: Range<usize>, collection: bool, index: &mut SourceIndex) -> String {
        let (path, key) = match self.stack.last_mut() {
            None => (String::new(), None),
            Some(Frame::Mapping { path, key }) => match key.take() {
                Some((name, key_range)) => (join(path, &name), Some(key_range)),
                None => (join(path, "?"), None),
            },
            Some(Frame::Sequence { path, next }) => {
                *next += 1;
                (format!("{path}[{}]", *next - 1), None)
            }
        };
        // The first occurrence wins: serde_yaml rejects a repeated key, and
        // `locate_repeated_key` points at the repetition.
        match index.nodes.entry(path.clone()) {
            Entry::Occupied(_) => {
                if let Some(key) = key {
                    index.repeated_keys.entry(path.clone()).or_insert(key);
                }
            }
            Entry::Vacant(entry) => {
                entry.insert(Node {
                    key,
                    value: range,
                    collection,
                });
            }
        }
        path
    }
}

/// The spec path of `key` inside the mapping at `parent`.
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "version: 1\nendpoint:\n  name: wxamplinkget\n  response:\n    fields:\n      - name: wxopens\n        type: Wxopens\n      - { name: \"ü\", type: array<Item> }\ntypes: []\n";

    fn at(path: &str) -> (usize, usize, &'static str) {
        let index = SourceIndex::build(TEXT);
        let location = index.locate(TEXT, path).unwrap();
        (location.line, location.column, &TEXT[location.span])
    }

    #[test]
    fn scalars_are_located_by_their_value() {
        assert_eq!(at("version"), (1, 10, "1"));
        assert_eq!(at("endpoint.name"), (3, 9, "wxamplinkget"));
        assert_eq!(at("endpoint.response.fields[0].type"), (7, 15, "Wxopens"));
    }

    #[test]
    fn flow_collections_and_non_ascii_columns_count_characters() {
        assert_eq!(
            at("endpoint.response.fields[1].type"),
            (8, 28, "array<Item>")
        );
        assert_eq!(at("endpoint.response.fields[1].name"), (8, 17, "\"ü\""));
    }

    #[test]
    fn collections_point_at_their_key_or_first_line() {
        assert_eq!(at("endpoint.response"), (4, 3, "response"));
        assert_eq!(at("endpoint.response.fields[0]"), (6, 9, "name: wxopens"));
    }

    #[test]
    fn missing_paths_fall_back_to_the_nearest_ancestor() {
        assert_eq!(
            at("endpoint.response.fields[0].default"),
            (6, 9, "name: wxopens")
        );
        assert_eq!(at("endpoint.errors.codes[3]"), (2, 1, "endpoint"));
        assert_eq!(at("types[0].name"), (9, 1, "types"));
    }

    #[test]
    fn keys_are_located_apart_from_their_values() {
        let index = SourceIndex::build(TEXT);
        let key = index.locate_key(TEXT, "endpoint.name").unwrap();
        assert_eq!((key.line, key.column, &TEXT[key.span]), (3, 3, "name"));
        assert!(
            index
                .locate_key(TEXT, "endpoint.response.fields[0]")
                .is_none()
        );
    }

    #[test]
    fn a_repeated_key_is_located_at_its_repetition() {
        let text = "a:\n  b: 1\n  b: 2\n";
        let index = SourceIndex::build(text);
        let location = index.locate_repeated_key(text, "a.b").unwrap();
        assert_eq!((location.line, location.column), (3, 3));
        assert_eq!(&text[index.locate(text, "a.b").unwrap().span], "1");
    }

    #[test]
    fn positions_from_serde_yaml_widen_to_their_token() {
        let index = SourceIndex::build(TEXT);
        let location = index.locate_position(TEXT, 7, 9).unwrap();
        assert_eq!(&TEXT[location.span], "type");
        assert!(index.locate_position(TEXT, 99, 1).is_none());
    }

    #[test]
    fn broken_and_odd_documents_index_what_they_can() {
        for text in [
            "",
            "[",
            "a: [b, {c: d}",
            "? [a, b]\n: c\n",
            "- &x a\n- *x\n",
            "---\na: 1\n---\nb: 2\n",
            "\u{feff}a:\r\n  b: 1\r\n",
            "plain",
        ] {
            let index = SourceIndex::build(text);
            let _ = index.locate(text, "a.b");
            let _ = index.locate_position(text, 1, 1);
        }
        let text = "a:\r\n  b: 1\r\n";
        let index = SourceIndex::build(text);
        assert_eq!(&text[index.locate(text, "a.b").unwrap().span], "1");
    }
}
