//! Overrides: dotted paths into a model file's TOML (`app.servers`,
//! `waiting_room.mode`, `station[0].servers`) and the values they set.
//!
//! Overrides edit the model's TOML value, which is then re-serialized and parsed
//! by `model::parse`, so every model validation applies to every variant.

use std::fmt;

/// One step of a path: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A key of a table.
    Key(String),
    /// An index into an array (of tables).
    Index(usize),
}

impl fmt::Display for Segment {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(key) => write!(formatter, ".{key}"),
            Segment::Index(index) => write!(formatter, "[{index}]"),
        }
    }
}

/// A parsed dotted path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverridePath {
    segments: Vec<Segment>,
}

impl OverridePath {
    /// Parses `key(.key|[index])*`; keys are letters, digits, `_` and `-`.
    pub fn parse(path: &str) -> Result<OverridePath, String> {
        let mut segments = Vec::new();
        for part in path.split('.') {
            let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "a dotted path of keys (letters, digits, '_', '-') with optional [index], e.g. \"station[0].servers\"; {part:?} is not a key"
                ));
            }
            segments.push(Segment::Key(key.to_owned()));
            while let Some(inner) = rest.strip_prefix('[') {
                let close = inner
                    .find(']')
                    .ok_or_else(|| format!("an index closed by ']' in {part:?}"))?;
                let index = inner[..close]
                    .parse()
                    .map_err(|_| format!("a non-negative integer index in {part:?}"))?;
                segments.push(Segment::Index(index));
                rest = &inner[close + 1..];
            }
            if !rest.is_empty() {
                return Err(format!("nothing after ']' in {part:?}"));
            }
        }
        Ok(OverridePath { segments })
    }

    /// The value at this path, if the model has it.
    pub fn get<'a>(&self, model: &'a toml::Value) -> Option<&'a toml::Value> {
        self.segments
            .iter()
            .try_fold(model, |value, segment| match segment {
                Segment::Key(key) => value.as_table()?.get(key),
                Segment::Index(index) => value.as_array()?.get(*index),
            })
    }

    /// Sets the value at this path. Every table and array element on the way
    /// must exist; the last key may be new (an optional field), and a key the
    /// model does not know is then rejected by model validation.
    pub fn set(&self, model: &mut toml::Value, value: toml::Value) -> Result<(), String> {
        let (last, parents) = self.segments.split_last().expect("parse gives ≥ 1 segment");
        let mut current = model;
        let mut walked = String::new();
        for segment in parents {
            walked.push_str(&segment.to_string());
            current = child(current, segment)
                .ok_or_else(|| format!("the model has no `{}`", walked.trim_start_matches('.')))?;
        }
        walked.push_str(&last.to_string());
        let missing = || format!("the model has no `{}`", walked.trim_start_matches('.'));
        match (last, current) {
            (Segment::Key(key), toml::Value::Table(table)) => {
                table.insert(key.clone(), value);
                Ok(())
            }
            (Segment::Index(index), toml::Value::Array(array)) => {
                *array.get_mut(*index).ok_or_else(missing)? = value;
                Ok(())
            }
            _ => Err(missing()),
        }
    }
}

fn child<'a>(value: &'a mut toml::Value, segment: &Segment) -> Option<&'a mut toml::Value> {
    match segment {
        Segment::Key(key) => value.as_table_mut()?.get_mut(key),
        Segment::Index(index) => value.as_array_mut()?.get_mut(*index),
    }
}

/// A value as written in output columns: strings without quotes, numbers and
/// booleans as TOML writes them, tables and arrays as inline TOML.
pub fn render(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        // Debug keeps the `.0` of whole floats, so a float column stays one.
        toml::Value::Float(float) => format!("{float:?}"),
        other => other.to_string(),
    }
}

/// A value as TOML source, for provenance (strings keep their quotes).
pub fn source(value: &toml::Value) -> String {
    value.to_string()
}

/// Parses one `--set PATH=VALUE`: the path as in experiments, the value as a
/// TOML value (`60`, `"fifo"`, `[1, 2]`, `true`); text that is not TOML is
/// taken as a string, so `--set waiting_room.mode=fifo` needs no quotes.
pub fn parse_assignment(assignment: &str) -> Result<(String, toml::Value), String> {
    let (path, value) = assignment
        .split_once('=')
        .ok_or_else(|| format!("{assignment:?} is not PATH=VALUE, e.g. app.servers=60"))?;
    let path = path.trim();
    OverridePath::parse(path)?;
    let value = value.trim();
    let parsed = toml::from_str::<toml::Table>(&format!("value = {value}"))
        .ok()
        .filter(|table| table.len() == 1)
        .and_then(|mut table| table.remove("value"));
    Ok((
        path.to_owned(),
        parsed.unwrap_or_else(|| toml::Value::String(value.to_owned())),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> toml::Value {
        toml::from_str::<toml::Table>(
            "name = \"m\"\n[app]\nservers = 10\n[[station]]\nname = \"a\"\nservers = 1\n",
        )
        .map(toml::Value::Table)
        .unwrap()
    }

    #[test]
    fn paths_parse_keys_and_indexes() {
        let path = OverridePath::parse("station[0].servers").unwrap();
        assert_eq!(
            path.segments,
            [
                Segment::Key("station".into()),
                Segment::Index(0),
                Segment::Key("servers".into())
            ]
        );
        for bad in ["", "a..b", "a[x]", "a[0", "a[0]b", "a b"] {
            assert!(
                OverridePath::parse(bad).is_err(),
                "{bad:?} should not parse"
            );
        }
    }

    #[test]
    fn set_replaces_existing_values_and_names_missing_parents() {
        let mut value = model();
        let servers = OverridePath::parse("station[0].servers").unwrap();
        servers.set(&mut value, toml::Value::Integer(4)).unwrap();
        assert_eq!(servers.get(&value), Some(&toml::Value::Integer(4)));
        let missing = OverridePath::parse("station[1].servers").unwrap();
        let error = missing
            .set(&mut value, toml::Value::Integer(4))
            .unwrap_err();
        assert!(error.contains("station[1]"), "{error}");
        let missing = OverridePath::parse("db.connections").unwrap();
        let error = missing
            .set(&mut value, toml::Value::Integer(4))
            .unwrap_err();
        assert!(error.contains("`db`"), "{error}");
        // An optional field the file leaves out may be set; validation judges the key.
        let optional = OverridePath::parse("app.queue").unwrap();
        optional.set(&mut value, toml::Value::Integer(5)).unwrap();
        assert_eq!(render(optional.get(&value).unwrap()), "5");
    }

    #[test]
    fn assignments_parse_toml_values_and_bare_strings() {
        let value = |text| parse_assignment(text).map(|(_, value)| value);
        assert_eq!(value("app.servers=60"), Ok(toml::Value::Integer(60)));
        assert_eq!(value("a.b = 0.5"), Ok(toml::Value::Float(0.5)));
        assert_eq!(value("mode=fifo"), Ok(toml::Value::String("fifo".into())));
        assert_eq!(
            value("mode=\"fifo\""),
            Ok(toml::Value::String("fifo".into()))
        );
        assert_eq!(
            parse_assignment("station[1].servers=2").unwrap().0,
            "station[1].servers"
        );
        // A value that would smuggle in a second key stays one string.
        assert_eq!(
            value("a=1\nb = 2"),
            Ok(toml::Value::String("1\nb = 2".into()))
        );
        assert!(parse_assignment("no-equals-sign").is_err());
        assert!(parse_assignment("bad path=1").is_err());
        assert!(parse_assignment("=1").is_err());
    }
}
