//! Which crate each module of the API lives in, what those crates are called, and where their
//! files go.
//!
//! The output is one crate per group of specs (a top-level folder), so that rustc checks the
//! groups in parallel and a user who needs one group compiles one; a crate the groups share for
//! what the top-level spec files define (error sets, shared types); and, in the crate users
//! depend on, an index that re-exports them all behind the groups' features:
//!
//! ```text
//! generated/                      the client crate (`wechat-api-client`)
//!   src/api/mod.rs                  re-exports, the prelude, the declared token kinds
//!   shared/                       `wechat-api-client-shared`: the top-level spec files
//!   groups/<group>/               `wechat-api-client-<group>`: one folder of specs
//! ```

use crate::ir::Module;
use std::path::PathBuf;

/// The folder of the group crates, inside the client crate's folder.
pub const GROUPS_DIR: &str = "groups";
/// The folder of the shared crate, inside the client crate's folder.
pub const SHARED_DIR: &str = "shared";
/// The generated index inside the client crate.
pub const API_DIR: &str = "src/api";

/// The crate a module's code is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home<'a> {
    /// The client crate: the `api` root.
    Client,
    /// The shared crate: a top-level spec file.
    Shared,
    /// A group's crate.
    Group(&'a str),
}

impl<'a> Home<'a> {
    /// The crate of the module at `path`, whose own file is a spec (`spec_file`) or an index.
    pub fn of(path: &'a [String], is_spec_file: bool) -> Self {
        match path {
            [] => Self::Client,
            [_] if is_spec_file => Self::Shared,
            [group, ..] => Self::Group(group),
        }
    }

    /// The crate that defines a named type of the spec module at `module`.
    pub fn of_type(module: &'a [String]) -> Self {
        Self::of(module, true)
    }
}

/// The names of the crates generated for one client crate.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The client crate's name as Rust code writes it (`wechat_api_client`).
    client: String,
}

impl Layout {
    pub fn new(client_crate: &str) -> Self {
        Self {
            client: client_crate.replace('-', "_"),
        }
    }

    /// The client crate, as Rust code names it.
    pub fn client_crate(&self) -> &str {
        &self.client
    }

    /// A generated crate's name as Rust code writes it: `wechat_api_client_wxopen`.
    pub fn crate_ident(&self, home: Home<'_>) -> String {
        match home {
            Home::Client => self.client.clone(),
            Home::Shared => format!("{}_{SHARED_DIR}", self.client),
            Home::Group(group) => format!("{}_{group}", self.client),
        }
    }

    /// A generated crate's package name: `wechat-api-client-wxopen`.
    pub fn package(&self, home: Home<'_>) -> String {
        self.crate_ident(home).replace('_', "-")
    }

    /// A generated crate's folder, relative to the client crate's.
    pub fn crate_dir(home: Home<'_>) -> PathBuf {
        match home {
            Home::Client => PathBuf::new(),
            Home::Shared => PathBuf::from(SHARED_DIR),
            Home::Group(group) => [GROUPS_DIR, group].iter().collect(),
        }
    }

    /// A generated crate's folder as a manifest writes it: relative, with `/`.
    pub fn crate_dir_text(home: Home<'_>) -> String {
        Self::crate_dir(home)
            .display()
            .to_string()
            .replace('\\', "/")
    }

    /// A module's file, relative to the client crate's folder: the `api` index, a crate root
    /// (`lib.rs` of a group or of the shared crate), a nested group's `mod.rs`, a spec's file.
    pub fn module_file(module: &Module) -> PathBuf {
        let home = Home::of(&module.path, module.spec_file.is_some());
        let mut file = Self::crate_dir(home);
        match home {
            Home::Client => file.push(API_DIR),
            Home::Shared | Home::Group(_) => file.push("src"),
        }
        // Inside its crate, a group module's path loses the group: the crate is the group.
        let inner = match home {
            Home::Group(_) => &module.path[1..],
            _ => &module.path[..],
        };
        file.extend(inner);
        match (module.spec_file.is_some(), inner.is_empty(), home) {
            (true, _, _) => {
                file.set_extension("rs");
            }
            (false, true, Home::Group(_)) => file.push("lib.rs"),
            (false, _, _) => file.push("mod.rs"),
        }
        file
    }

    /// The shared crate's root file, relative to the client crate's folder.
    pub fn shared_root() -> PathBuf {
        Self::crate_dir(Home::Shared).join("src/lib.rs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &[&str], spec: bool) -> Module {
        Module {
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            spec_file: spec.then(|| PathBuf::from("x.yaml")),
            docs: String::new(),
            children: Vec::new(),
            types: Vec::new(),
            error_sets: Vec::new(),
            endpoint: None,
        }
    }

    #[test]
    fn every_module_has_one_file_in_one_crate() {
        let cases = [
            (module(&[], false), "src/api/mod.rs"),
            (module(&["errors"], true), "shared/src/errors.rs"),
            (module(&["wxopen"], false), "groups/wxopen/src/lib.rs"),
            (
                module(&["wxopen", "wxamplinkget"], true),
                "groups/wxopen/src/wxamplinkget.rs",
            ),
            (
                module(&["wxopen", "sub"], false),
                "groups/wxopen/src/sub/mod.rs",
            ),
            (
                module(&["wxopen", "sub", "deep"], true),
                "groups/wxopen/src/sub/deep.rs",
            ),
        ];
        for (module, file) in cases {
            assert_eq!(
                Layout::module_file(&module),
                PathBuf::from(file),
                "{:?}",
                module.path
            );
        }
        assert_eq!(Layout::shared_root(), PathBuf::from("shared/src/lib.rs"));
    }

    #[test]
    fn crates_are_named_after_the_client() {
        let layout = Layout::new("wechat-api-client");
        assert_eq!(
            layout.crate_ident(Home::Group("wxopen")),
            "wechat_api_client_wxopen"
        );
        assert_eq!(layout.package(Home::Shared), "wechat-api-client-shared");
        assert_eq!(layout.package(Home::Client), "wechat-api-client");
    }
}
