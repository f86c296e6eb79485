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

/// A response of `items` entries, every field present, alternating the documented values.
pub fn large_response(items: usize) -> String {
    let item = |i: usize| {
        format!(
            r#"{{"status":{},"username":"gh_{i:08}","appid":"wx{i:016}","source":"{}","nickname":"小程序 {i}","selected":{},"nearby_display_status":0,"released":1,"headimg_url":"http://mmbiz.qpic.cn/{i}.png","func_infos":[{{"status":1,"id":1,"name":"微信认证"}},{{"status":0,"id":2,"name":"微信支付"}}],"copy_verify_status":1,"email":"mp{i}@example.com"}}"#,
            [1, 2, 3, 12][i % 4],
            [
                "SOURCE_NORMAL",
                "SOURCE_WXSTORE",
                "SOURCE_FASTREGISTER",
                "SOURCE_COMPONENT_API"
            ][i % 4],
            i % 2
        )
    };
    let items: Vec<String> = (0..items).map(item).collect();
    format!(
        r#"{{"errcode":0,"errmsg":"ok","wxopens":{{"items":[{}]}}}}"#,
        items.join(",")
    )
}
