//! The UI port answers the three datasources under Grafana's datasource-proxy paths
//! (`/api/datasources/proxy/uid/<uid>/...`), so a browser page written for Grafana's proxy works
//! against it: each datasource's health check, and Tempo's protobuf trace by id.

use obs_stack::{datasource_uid, ports};
use serde_json::json;

use super::feed::{TRACE_ID, fed};
use super::{grafana_get, json_ok, with_query};
use crate::otlp_build::hex;

/// Health checks and a protobuf trace fetch through the proxy paths give what the API ports give.
#[test]
fn datasource_proxy_paths_answer_grafana_requests() {
    let fed = fed();
    let proxy = |uid: &str| format!("{}/api/datasources/proxy/uid/{uid}", fed.server.url(ports::GRAFANA));
    let tempo = proxy(datasource_uid::TEMPO);
    assert_eq!(grafana_get(&format!("{tempo}/api/echo"), &[]).status, 200);
    let trace =
        grafana_get(&format!("{tempo}/api/v2/traces/{}", hex(&TRACE_ID)), &[("Accept", "application/protobuf")]);
    assert_eq!((trace.status, trace.content_type.as_str()), (200, "application/protobuf"));
    let direct = grafana_get(
        &format!("{}/api/v2/traces/{}", fed.server.url(ports::TEMPO), hex(&TRACE_ID)),
        &[("Accept", "application/protobuf")],
    );
    assert_eq!(trace.body, direct.body);
    let loki = proxy(datasource_uid::LOKI);
    let params = [("query", "vector(1)+vector(1)"), ("time", "4000000000"), ("direction", "")];
    let body = json_ok("loki health", &grafana_get(&with_query(&format!("{loki}/loki/api/v1/query"), &params), &[]));
    assert_eq!(body["data"]["result"][0]["value"][1], "2", "{body}");
    let prom = proxy(datasource_uid::PROMETHEUS);
    let url = with_query(&format!("{prom}/api/v1/query"), &[("query", "1+1"), ("time", "4")]);
    let body = json_ok("prometheus health", &grafana_get(&url, &[]));
    assert_eq!(body["data"], json!({"resultType": "scalar", "result": [4, "2"]}), "{body}");
}
