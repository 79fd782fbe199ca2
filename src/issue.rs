//! Config problems, shaped like zod's `issues` so Logto's console reads them alike.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// One step of an issue's path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        Self::Key(key.to_string())
    }
}

impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        Self::Index(index)
    }
}

/// The kind of problem, named after zod's issue codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    InvalidType,
    TooSmall,
    TooBig,
    InvalidEnumValue,
    InvalidString,
    Custom,
}

/// One config problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub code: IssueCode,
    pub path: Vec<PathSegment>,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                PathSegment::Key(key) if path.is_empty() => path.push_str(key),
                PathSegment::Key(key) => {
                    path.push('.');
                    path.push_str(key);
                }
                PathSegment::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        if path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

/// One line summarising all issues, for `errorDescription`.
pub fn summarize(issues: &[Issue]) -> String {
    let parts: Vec<String> = issues.iter().map(Issue::to_string).collect();
    format!("Invalid Aliyun SMS connector config: {}", parts.join("; "))
}

/// The JSON type of a value, as zod names it in "Expected X, received Y".
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
