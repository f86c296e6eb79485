//! A directory under the system's temporary folder, removed when dropped.

use std::path::{Path, PathBuf};

pub struct Dir(PathBuf);

impl Dir {
    pub fn new(label: &str) -> Dir {
        let path = std::env::temp_dir().join(format!(
            "wechat-tests-{label}-{}-{:016x}",
            std::process::id(),
            fastrand_u64()
        ));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        Dir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
