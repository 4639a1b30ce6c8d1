//! One data row as read from a file: the line it starts on and its fields.

pub(crate) struct Row {
    /// 1-based file line where the row starts (header = line 1), for messages.
    pub line: usize,
    /// One per column, in column order.
    pub fields: Vec<String>,
}
