//! What the benchmarks share: the documentation's example response, and the hand-written serde
//! structs a team would decode it into without a generator (plain serde, integers for flags and
//! enums), the baseline both benchmarks compare the generated code with.

/// The documentation's example response (copied from the spec, as the tests use it).
pub const DOC_EXAMPLE: &str =
    include_str!("../../../tests/tests/data/wxamplinkget.doc-example.response.json");

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Response {
    #[serde(default)]
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    #[serde(default)]
    pub wxopens: Wxopens,
}

#[derive(Debug, Default, Deserialize)]
pub struct Wxopens {
    #[serde(default)]
    pub items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
pub struct Item {
    pub status: i64,
    pub username: Option<String>,
    pub appid: Option<String>,
    pub nickname: Option<String>,
    pub headimg_url: Option<String>,
    pub selected: Option<i64>,
    pub nearby_display_status: Option<i64>,
    pub released: Option<i64>,
    pub email: Option<String>,
    pub func_infos: Option<Vec<FuncInfo>>,
    pub source: Option<String>,
    pub copy_verify_status: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct FuncInfo {
    pub id: i64,
    pub status: Option<i64>,
    pub name: Option<String>,
}
