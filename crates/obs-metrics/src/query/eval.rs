//! The evaluator: walks the parsed expression at one evaluation time, selecting series from the
//! store (each selector fetched once per query and sliced per step).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use obs_contract::query::Budget;
use promql_parser::label::{MatchOp, Matcher, Matchers};
use promql_parser::parser::{AtModifier, Expr, Offset, VectorSelector, token};

use super::labels::LabelCache;
use super::{LOOKBACK_MS, QueryError, Sample, Value, aggregate, binary, functions, label_of};
use crate::store::{Labels, SeriesData};
use crate::view::StoreView;

/// Evaluates expressions for one query spanning `[start, end]` ms.
pub struct Evaluator<'a> {
    store: &'a StoreView<'a>,
    /// The query's deadline, cancel flag and samples held.
    pub budget: &'a Budget,
    start: i64,
    end: i64,
    cache: RefCell<HashMap<String, Arc<Vec<SeriesData>>>>,
    /// Derived and interned label sets of this query.
    pub labels: LabelCache,
}

/// A matrix selector's samples at one step, with what rate-like functions need.
pub struct Window {
    data: Arc<Vec<SeriesData>>,
    /// Per series with samples in `(ref - range, ref]`: its index in `data` and that sample range.
    spans: Vec<(usize, std::ops::Range<usize>)>,
    /// Range start (exclusive), ms.
    pub range_start: i64,
    /// Range end (inclusive), ms.
    pub range_end: i64,
    /// Range length, ms.
    pub range_ms: i64,
}

impl Window {
    /// Each series' labels and its samples in the window.
    pub fn series(&self) -> impl Iterator<Item = (&Arc<Labels>, &[(i64, f64)])> {
        self.spans.iter().map(|(i, r)| (&self.data[*i].labels, &self.data[*i].samples[r.clone()]))
    }

    /// A window without series, for testing the functions over it.
    #[cfg(test)]
    pub fn bounds(range_start: i64, range_end: i64) -> Self {
        Self {
            data: Arc::new(Vec::new()),
            spans: Vec::new(),
            range_start,
            range_end,
            range_ms: range_end - range_start,
        }
    }

    /// The window as owned series (for a range vector as a query result).
    pub fn to_series(&self) -> Vec<SeriesData> {
        self.series()
            .map(|(labels, samples)| SeriesData { labels: labels.clone(), samples: samples.to_vec() })
            .collect()
    }
}

/// Stack left below which evaluation moves to a new stack segment.
const STACK_RED_ZONE: usize = 128 * 1024;
/// Size of each new stack segment.
const STACK_GROWTH: usize = 4 << 20;

fn millis(d: &Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl<'a> Evaluator<'a> {
    /// An evaluator for a query over `[start, end]` ms.
    pub fn new(store: &'a StoreView<'a>, start: i64, end: i64, budget: &'a Budget) -> Self {
        Self { store, budget, start, end, cache: RefCell::new(HashMap::new()), labels: LabelCache::default() }
    }

    /// The value of `expr` at `t` ms. Nested expressions recurse; the stack grows on demand, so
    /// the deepest query the limits allow fits any thread.
    pub fn eval(&self, expr: &Expr, t: i64) -> Result<Value, QueryError> {
        self.budget.tick()?;
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.eval_node(expr, t))
    }

    fn eval_node(&self, expr: &Expr, t: i64) -> Result<Value, QueryError> {
        match expr {
            Expr::NumberLiteral(n) => Ok(Value::Scalar(n.val)),
            Expr::StringLiteral(s) => Ok(Value::String(s.val.clone())),
            Expr::Paren(p) => self.eval(&p.expr, t),
            Expr::Unary(u) => self.negate(self.eval(&u.expr, t)?),
            Expr::VectorSelector(vs) => Ok(Value::Vector(self.instant(vs, t)?)),
            Expr::MatrixSelector(ms) => {
                let w = self.window(&ms.vs, millis(&ms.range), t)?;
                Ok(Value::Matrix(w.to_series()))
            }
            Expr::Binary(b) => binary::eval(self, b, t),
            Expr::Aggregate(a) => aggregate::eval(self, a, t),
            Expr::Call(c) => functions::eval(self, c, t),
            Expr::Subquery(_) => Err(QueryError::unsupported("subquery")),
            Expr::Extension(_) => Err(QueryError::unsupported("extension expression")),
        }
    }

    fn negate(&self, value: Value) -> Result<Value, QueryError> {
        match value {
            Value::Scalar(v) => Ok(Value::Scalar(-v)),
            Value::Vector(samples) => Ok(Value::Vector(
                samples
                    .into_iter()
                    .map(|s| Sample { labels: self.labels.drop_name(&s.labels), value: -s.value })
                    .collect(),
            )),
            other => Err(QueryError::Execution(format!("unary minus is not defined for {}", kind(&other)))),
        }
    }

    /// Evaluates `expr` expecting an instant vector.
    pub fn vector(&self, expr: &Expr, t: i64) -> Result<Vec<Sample>, QueryError> {
        match self.eval(expr, t)? {
            Value::Vector(v) => Ok(v),
            other => Err(QueryError::Execution(format!("expected an instant vector, got {}", kind(&other)))),
        }
    }

    /// Evaluates `expr` expecting a scalar.
    pub fn scalar(&self, expr: &Expr, t: i64) -> Result<f64, QueryError> {
        match self.eval(expr, t)? {
            Value::Scalar(v) => Ok(v),
            other => Err(QueryError::Execution(format!("expected a scalar, got {}", kind(&other)))),
        }
    }

    /// Instant vector selection: each series' newest sample in `(ref - 5m, ref]`.
    pub fn instant(&self, vs: &VectorSelector, t: i64) -> Result<Vec<Sample>, QueryError> {
        let reference = self.reference(vs, t);
        let data = self.fetch(vs, LOOKBACK_MS)?;
        self.budget.tick()?;
        Ok(data
            .iter()
            .filter_map(|s| {
                let idx = s.samples.partition_point(|p| p.0 <= reference);
                let (ts, value) = *s.samples.get(idx.checked_sub(1)?)?;
                (ts > reference.saturating_sub(LOOKBACK_MS)).then(|| Sample { labels: s.labels.clone(), value })
            })
            .collect())
    }

    /// Range selection at `t`: each series' samples in `(ref - range, ref]`.
    pub fn window(&self, vs: &VectorSelector, range_ms: i64, t: i64) -> Result<Window, QueryError> {
        let reference = self.reference(vs, t);
        let data = self.fetch(vs, range_ms)?;
        let start = reference.saturating_sub(range_ms);
        let spans = data
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let from = s.samples.partition_point(|p| p.0 <= start);
                let to = s.samples.partition_point(|p| p.0 <= reference);
                (to > from).then_some((i, from..to))
            })
            .collect();
        Ok(Window { data, spans, range_start: start, range_end: reference, range_ms })
    }

    /// The time a selector reads at: `@` when given, minus its offset.
    fn reference(&self, vs: &VectorSelector, t: i64) -> i64 {
        let at = match &vs.at {
            Some(AtModifier::Start) => self.start,
            Some(AtModifier::End) => self.end,
            Some(AtModifier::At(when)) => when.duration_since(UNIX_EPOCH).map_or(0, |d| millis(&d)),
            None => t,
        };
        match &vs.offset {
            Some(Offset::Pos(d)) => at.saturating_sub(millis(d)),
            Some(Offset::Neg(d)) => at.saturating_add(millis(d)),
            None => at,
        }
    }

    /// Every sample the selector can need during this query, fetched once.
    fn fetch(&self, vs: &VectorSelector, range_ms: i64) -> Result<Arc<Vec<SeriesData>>, QueryError> {
        let key = format!("{vs}\u{0}{range_ms}");
        if let Some(hit) = self.cache.borrow().get(&key) {
            return Ok(hit.clone());
        }
        let refs = [self.reference(vs, self.start), self.reference(vs, self.end)];
        let (lo, hi) = (refs[0].min(refs[1]), refs[0].max(refs[1]));
        let groups = matcher_groups(vs);
        let name_hint = vs.name.clone().or_else(|| equal_name(&groups));
        let keep = |labels: &Labels| groups.iter().any(|g| g.iter().all(|m| m.is_match(label_of(labels, &m.name))));
        let range = (lo.saturating_sub(range_ms), hi);
        let mut series = self.store.select(name_hint.as_deref(), &keep, range, false, self.budget)?;
        for s in &mut series {
            s.labels = self.labels.intern_arc(s.labels.clone());
        }
        let data = Arc::new(series);
        self.cache.borrow_mut().insert(key, data.clone());
        Ok(data)
    }
}

/// The selector's matchers as alternatives (`or` groups), each including the metric name.
pub fn matcher_groups(vs: &VectorSelector) -> Vec<Vec<Matcher>> {
    let Matchers { matchers, or_matchers } = &vs.matchers;
    let mut groups = if or_matchers.is_empty() { vec![matchers.clone()] } else { or_matchers.clone() };
    if let Some(name) = &vs.name {
        for g in &mut groups {
            g.push(Matcher::new(MatchOp::Equal, "__name__", name));
        }
    }
    groups
}

fn equal_name(groups: &[Vec<Matcher>]) -> Option<String> {
    match groups {
        [only] => only.iter().find(|m| m.name == "__name__" && m.op == MatchOp::Equal).map(|m| m.value.clone()),
        _ => None,
    }
}

/// The Prometheus name of a value's type, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Scalar(_) => "scalar",
        Value::Vector(_) => "instant vector",
        Value::Matrix(_) => "range vector",
        Value::String(_) => "string",
    }
}

/// True for `==`, `!=`, `>`, `<`, `>=`, `<=`.
pub fn is_comparison(op: token::TokenType) -> bool {
    op.is_comparison_operator()
}
