//! A WeChat stand-in for the platform tests, on wiremock: the component token for one ticket,
//! authorizer tokens that rotate their refresh tokens, the authorizer list, and wxamplinkget.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const APPID: &str = "wx_platform";
pub const COMPONENT_TOKEN: &str = "/cgi-bin/component/api_component_token";
pub const AUTHORIZER_TOKEN: &str = "/cgi-bin/component/api_authorizer_token";
pub const LIST: &str = "/cgi-bin/component/api_get_authorizer_list";
pub const LINKED: &str = "/cgi-bin/wxopen/wxamplinkget";

pub fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub async fn requests_to(server: &MockServer, to: &str) -> Vec<Request> {
    let all = server.received_requests().await.unwrap();
    all.into_iter().filter(|r| r.url.path() == to).collect()
}

/// A WeChat stand-in: the component token for the ticket `ticket-1`; each authorizer's token
/// `at-{appid}-{n}` for its current refresh token, which turns into `rt-{appid}-{n}`; and
/// wxamplinkget, which records the token it got.
pub struct WeChat {
    pub server: MockServer,
    /// The refresh token each authorizer currently has on WeChat's side.
    pub refresh_tokens: Arc<Mutex<HashMap<String, String>>>,
    /// How long the next answer of api_authorizer_token is held back (once).
    pub hold_next_refresh: Arc<Mutex<Option<std::time::Duration>>>,
    /// The `expires_in` of the authorizer tokens it hands out (7200 unless set).
    pub expires_in: Arc<Mutex<i64>>,
}

impl WeChat {
    pub async fn start() -> WeChat {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(COMPONENT_TOKEN))
            .respond_with(|request: &Request| {
                let body = body(request);
                if body["component_verify_ticket"] == "ticket-1"
                    && body["component_appsecret"] == "secret"
                {
                    ResponseTemplate::new(200).set_body_json(
                        json!({"component_access_token": "ct-1", "expires_in": 7200}),
                    )
                } else {
                    ResponseTemplate::new(200).set_body_json(
                        json!({"errcode": 61006, "errmsg": "component ticket is invalid"}),
                    )
                }
            })
            .mount(&server)
            .await;
        let refresh_tokens: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let counts = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
        let hold_next_refresh: Arc<Mutex<Option<std::time::Duration>>> = Arc::default();
        let hold = Arc::clone(&hold_next_refresh);
        let expires_in = Arc::new(Mutex::new(7200_i64));
        let lifetime = Arc::clone(&expires_in);
        let tokens = Arc::clone(&refresh_tokens);
        Mock::given(method("POST"))
            .and(path(AUTHORIZER_TOKEN))
            .and(query_param("component_access_token", "ct-1"))
            .respond_with(move |request: &Request| {
                let body = body(request);
                let appid = body["authorizer_appid"].as_str().unwrap().to_owned();
                let sent = body["authorizer_refresh_token"].as_str().unwrap();
                let mut tokens = tokens.lock().unwrap();
                if tokens.get(&appid).map(String::as_str) != Some(sent) {
                    return ResponseTemplate::new(200).set_body_json(
                        json!({"errcode": 61023, "errmsg": "refresh_token is invalid"}),
                    );
                }
                let mut counts = counts.lock().unwrap();
                let n = counts.entry(appid.clone()).or_default();
                *n += 1;
                let next = format!("rt-{appid}-{n}");
                tokens.insert(appid.clone(), next.clone());
                let answer = ResponseTemplate::new(200).set_body_json(json!({
                    "authorizer_access_token": format!("at-{appid}-{n}"),
                    "expires_in": *lifetime.lock().unwrap(),
                    "authorizer_refresh_token": next,
                }));
                match hold.lock().unwrap().take() {
                    Some(delay) => answer.set_delay(delay),
                    None => answer,
                }
            })
            .mount(&server)
            .await;
        let tokens = Arc::clone(&refresh_tokens);
        Mock::given(method("POST"))
            .and(path(LIST))
            .respond_with(move |_: &Request| {
                let tokens = tokens.lock().unwrap();
                let list: Vec<Value> = tokens
                    .iter()
                    .map(|(appid, token)| json!({"authorizer_appid": appid, "refresh_token": token, "auth_time": 1}))
                    .collect();
                ResponseTemplate::new(200).set_body_json(json!({"total_count": list.len(), "list": list}))
            })
            .mount(&server)
            .await;
        Mock::given(path(LINKED))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"errcode": 0, "wxopens": {"items": []}})),
            )
            .mount(&server)
            .await;
        WeChat {
            server,
            refresh_tokens,
            hold_next_refresh,
            expires_in,
        }
    }

    /// An account that authorized the platform with this refresh token.
    pub fn authorize(&self, appid: &str, refresh_token: &str) {
        self.refresh_tokens
            .lock()
            .unwrap()
            .insert(appid.to_owned(), refresh_token.to_owned());
    }

    /// The access tokens wxamplinkget was called with, in order.
    pub async fn linked_tokens(&self) -> Vec<String> {
        requests_to(&self.server, LINKED)
            .await
            .iter()
            .map(|r| query(r, "access_token").unwrap_or_default())
            .collect()
    }
}
