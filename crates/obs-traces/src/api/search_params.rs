//! Decodes `/api/search` parameters into a [`SearchSpec`]: the query text (TraceQL `q`,
//! logfmt `tags`, or loose `?key=value` tags) bounded before any parser sees it, and the
//! window, duration and size parameters checked as Tempo checks them. The query itself is
//! parsed later, inside the query runner ([`SearchSpec::into_request`]).

use obs_contract::query::{QueryLimits, scan};

use super::duration;
use super::params::{Params, logfmt};
use crate::error::Error;
use crate::query::search::{Request, legacy_query};
use crate::query::traceql;

/// What to search for, with the query not yet parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchSpec {
    /// The query.
    pub query: QueryText,
    /// Most traces returned.
    pub limit: usize,
    /// Most spans per spanset.
    pub spss: usize,
    /// Window start (unix ns).
    pub start: Option<u64>,
    /// Window end (unix ns).
    pub end: Option<u64>,
    /// Shortest trace (ns).
    pub min_duration: Option<u64>,
    /// Longest trace (ns).
    pub max_duration: Option<u64>,
}

/// The query of a search, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryText {
    /// TraceQL (`q`).
    TraceQl(String),
    /// Legacy tags (`tags` or loose parameters).
    Tags(Vec<(String, String)>),
}

/// Parameters `/api/search` knows; with no `q`, `tags`, `start` or `end`, Tempo treats any other
/// parameter as a tag (`?service.name=x`).
const KNOWN: [&str; 8] = ["q", "tags", "minDuration", "maxDuration", "limit", "start", "end", "spss"];

fn loose_tags(params: &Params) -> Vec<(String, String)> {
    if ["start", "end"].iter().any(|p| params.get(p).is_some_and(|v| !v.is_empty())) {
        return Vec::new();
    }
    params.0.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).cloned().collect()
}

fn query_text(params: &Params, limits: &QueryLimits) -> Result<QueryText, Error> {
    let q = params.get("q").filter(|q| !q.trim().is_empty());
    let tags = params.get("tags").filter(|t| !t.trim().is_empty());
    let tags = match (q, tags) {
        (Some(_), Some(_)) => {
            return Err(Error::BadRequest("invalid request: pass either q (TraceQL) or tags, not both".to_owned()));
        }
        (Some(q), None) => {
            scan::check(q, limits)?;
            return Ok(QueryText::TraceQl(q.to_owned()));
        }
        (None, Some(t)) => {
            scan::check(t, limits)?;
            logfmt(t)?
        }
        (None, None) => loose_tags(params),
    };
    legacy_query(&tags, limits)?;
    Ok(QueryText::Tags(tags))
}

/// Decodes and checks the parameters of one search.
pub fn decode(params: &Params, limits: &QueryLimits) -> Result<SearchSpec, Error> {
    let query = query_text(params, limits)?;
    let dur = |name: &str| params.get(name).filter(|v| !v.is_empty()).map(duration::parse).transpose();
    let (min_duration, max_duration) = (dur("minDuration")?, dur("maxDuration")?);
    if let (Some(min), Some(max)) = (min_duration, max_duration)
        && max < min
    {
        return Err(Error::BadRequest("invalid maxDuration: it is smaller than minDuration".to_owned()));
    }
    let (start, end) = (params.unix_seconds("start")?, params.unix_seconds("end")?);
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        let (s, e) = (start / 1_000_000_000, end / 1_000_000_000);
        return Err(Error::BadRequest(format!("http parameter start must be before end. received start={s} end={e}")));
    }
    Ok(SearchSpec {
        query,
        limit: params.positive("limit", 20)?,
        spss: params.positive("spss", 3)?,
        start,
        end,
        min_duration,
        max_duration,
    })
}

impl SearchSpec {
    /// The search to run, its query parsed (call inside the query runner: parsers recurse).
    pub fn into_request(self, limits: &QueryLimits) -> Result<Request, Error> {
        let (query, spansets) = match &self.query {
            QueryText::TraceQl(q) => (traceql::parse(q)?, true),
            QueryText::Tags(tags) => (legacy_query(tags, limits)?, false),
        };
        Ok(Request {
            query,
            spansets,
            limit: self.limit,
            spss: self.spss,
            start: self.start,
            end: self.end,
            min_duration: self.min_duration,
            max_duration: self.max_duration,
        })
    }
}
