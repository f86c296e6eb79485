//! A synthetic spec set for benchmarks: N endpoints shaped like `wxamplinkget`.
//!
//! The shape follows the peers' benchmark generator (`make_openapi.py`, kept with the team's shared
//! benchmark material): endpoint `i` is `POST /cgi-bin/wxopen/wxamplinkget{i}` with its own types
//! (`LinkedMiniPrograms{i}`, `LinkedMiniProgram{i}`, `FuncInfo{i}`, and the enums of `status` and
//! `source`); even endpoints take no parameters, odd ones take the `wxamplink` body (`appid`,
//! `notify_users`, `show_profile`). Every endpoint includes the real global error set, as the real
//! specs do. Nothing generated from this set is checked in.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The real global error set, so that the synthetic endpoints carry what real ones carry.
const ERRORS_YAML: &str = include_str!("../../specs/errors.yaml");
/// The real token kinds, which the endpoints' `token.kind` names.
const TOKENS_YAML: &str = include_str!("../../specs/tokens.yaml");

/// The spec files of `endpoints` synthetic endpoints in `groups` groups (folders `g0`, `g1`, …;
/// endpoint `i` is in group `i % groups`), relative to the specs folder, with the shared
/// `errors.yaml` and `tokens.yaml`.
pub fn specs(endpoints: usize, groups: usize) -> Vec<(PathBuf, String)> {
    let groups = groups.max(1);
    let mut files = Vec::with_capacity(endpoints + 2);
    files.push((PathBuf::from("errors.yaml"), ERRORS_YAML.to_owned()));
    files.push((PathBuf::from("tokens.yaml"), TOKENS_YAML.to_owned()));
    for i in 0..endpoints {
        let path =
            PathBuf::from(group_name(i % groups, groups)).join(format!("wxamplinkget{i}.yaml"));
        files.push((path, endpoint_spec(i)));
    }
    files
}

/// One group keeps the name of the real group; more are numbered.
fn group_name(group: usize, groups: usize) -> String {
    if groups == 1 {
        "wxopen".to_owned()
    } else {
        format!("g{group}")
    }
}

/// The spec of synthetic endpoint `i`.
pub fn endpoint_spec(i: usize) -> String {
    let mut text = String::with_capacity(4096);
    let request = if i % 2 == 1 {
        REQUEST_BODY
    } else {
        "    body: []\n"
    };
    // `write!` into a String cannot fail; the result is ignored rather than unwrapped.
    let _ = write!(
        text,
        "# A synthetic endpoint for benchmarks (`cargo run -p codegen -- synthetic`), shaped like wxamplinkget.
version: 2

endpoint:
  name: wxamplinkget{i}
  operation: get_linked_mini_programs_{i}
  summary: Get the Mini Programs linked to an Official Account (variant {i}).
  docs: |
    Lists every Mini Program linked to the Official Account, including links still waiting for an
    administrator's confirmation and links a Mini Program administrator refused.
  method: POST
  host: api.weixin.qq.com
  path: /cgi-bin/wxopen/wxamplinkget{i}
  token:
    kind: access_token
    query_param: access_token
  request:
{request}  response:
    fields:
      - name: wxopens
        type: LinkedMiniPrograms{i}
        default: {{}}
        docs: The Mini Programs linked to the account.
  errors:
    include: [global]
    codes: []
  example:
    response: |
      {{\"errcode\": 0, \"errmsg\": \"ok\", \"wxopens\": {{\"items\": [{{\"status\": 1, \"username\": \"gh_1\", \"source\": \"SOURCE_NORMAL\", \"selected\": 1, \"func_infos\": [{{\"status\": 0, \"id\": 1, \"name\": \"n\"}}]}}]}}}}

types:
  - name: LinkedMiniPrograms{i}
    kind: object
    docs: The list of Mini Programs linked to an Official Account.
    fields:
      - name: items
        type: array<LinkedMiniProgram{i}>
        default: []
        docs: One entry per linked (or pending, or refused) Mini Program.

  - name: LinkedMiniProgram{i}
    kind: object
    docs: A Mini Program linked to the Official Account, or a link waiting for confirmation.
    fields:
      - name: status
        type: LinkStatus{i}
        required: true
        docs: The state of the link.
      - name: username
        type: string
        docs: The Mini Program's original id.
      - name: nickname
        type: string
        docs: The Mini Program's name.
      - name: headimg_url
        type: string
        docs: The URL of the Mini Program's avatar.
      - name: email
        type: string
        docs: The Mini Program's e-mail address.
      - name: appid
        type: string
        docs: The Mini Program's appid.
      - name: source
        type: LinkSource{i}
        docs: How the Mini Program came to be linked.
      - name: selected
        type: flag
        docs: Whether the Mini Program is shown on the admin page.
      - name: nearby_display_status
        type: flag
        docs: Whether the Mini Program is shown among nearby Mini Programs.
      - name: released
        type: flag
        docs: Whether the Mini Program has been published.
      - name: copy_verify_status
        type: integer
        docs: Undocumented.
      - name: func_infos
        type: array<FuncInfo{i}>
        docs: The capabilities opened for the Mini Program.

  - name: FuncInfo{i}
    kind: object
    docs: Whether one capability is opened for a Mini Program.
    fields:
      - name: id
        type: integer
        docs: Which capability this entry describes.
      - name: status
        type: integer
        docs: Whether the capability is opened.
      - name: name
        type: string
        docs: The capability's display name.

  - name: LinkStatus{i}
    kind: enum
    repr: integer
    docs: The state of a link.
    values:
      - {{ value: 1, name: Linked, docs: Linked. }}
      - {{ value: 2, name: AwaitingMiniProgramAdmin, docs: Waiting for the Mini Program's administrator. }}
      - {{ value: 3, name: RefusedByMiniProgramAdmin, docs: Refused by the Mini Program's administrator. }}
      - {{ value: 12, name: AwaitingOfficialAccountAdmin, docs: Waiting for the Official Account's administrator. }}

  - name: LinkSource{i}
    kind: enum
    repr: string
    docs: How a Mini Program came to be linked.
    values:
      - {{ value: SOURCE_NORMAL, name: Normal, docs: Linked the ordinary way. }}
      - {{ value: SOURCE_WXSTORE, name: WxStore, docs: A WeChat store Mini Program. }}
      - {{ value: SOURCE_FASTREGISTER, name: FastRegister, docs: Created through fast registration. }}
      - {{ value: SOURCE_COMPONENT_API, name: ComponentApi, docs: Linked by a third-party platform. }}
"
    );
    text
}

/// The body of odd endpoints: the `wxamplink` request.
const REQUEST_BODY: &str = "    body:
      - name: appid
        type: string
        required: true
        docs: The appid of the Mini Program to link.
      - name: notify_users
        type: flag
        docs: Whether to notify the Official Account's followers.
      - name: show_profile
        type: flag
        docs: Whether to show the Mini Program on the profile page.
";

/// Writes the synthetic set into `dir` (which must not hold other specs).
pub fn write(dir: &std::path::Path, endpoints: usize, groups: usize) -> std::io::Result<usize> {
    let files = specs(endpoints, groups);
    for (path, text) in &files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(files.len())
}
