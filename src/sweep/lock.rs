//! `DIR/sweep.lock`: one sweep per output directory at a time. Two sweeps
//! into one `--out` would both run every task and interleave one journal.
//!
//! The lock file holds the owner's process id. It is removed when the sweep
//! ends; a lock left by a killed sweep (its process is gone) is taken over,
//! so a resume after `kill -9` or a lost Slurm node needs no manual step.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::SweepError;

/// The lock's file name in the output directory.
pub const LOCK: &str = "sweep.lock";

/// A held lock; dropping it releases the directory.
#[derive(Debug)]
pub struct SweepLock {
    path: PathBuf,
}

impl SweepLock {
    /// Takes the lock on `dir`, or says which live process holds it.
    pub fn acquire(dir: &Path) -> Result<SweepLock, SweepError> {
        std::fs::create_dir_all(dir).map_err(SweepError::io(dir))?;
        let path = dir.join(LOCK);
        // Two tries: the second after removing a lock whose owner is gone.
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    writeln!(file, "{}", std::process::id()).map_err(SweepError::io(&path))?;
                    return Ok(SweepLock { path });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).unwrap_or_default();
                    let owner = owner.trim();
                    if is_alive(owner) {
                        return Err(SweepError::Mismatch {
                            path: path.clone(),
                            message: format!(
                                "another sweep (process {owner}) is writing to this directory; \
                                 wait for it, choose another --out, or delete the lock if that process is not a sweep"
                            ),
                        });
                    }
                    // Its owner was killed: the journal it left is resumable.
                    let _ = std::fs::remove_file(&path);
                }
                Err(error) => return Err(SweepError::io(&path)(error)),
            }
        }
        Err(SweepError::Mismatch {
            path: path.clone(),
            message: "another sweep keeps taking this directory's lock; choose another --out"
                .to_owned(),
        })
    }
}

impl Drop for SweepLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the process id in a lock file is running. Where that cannot be
/// known (no /proc), a lock is assumed held: the message says how to clear it.
fn is_alive(owner: &str) -> bool {
    let Ok(pid) = owner.parse::<u32>() else {
        // Empty or garbled: a lock being written this instant, or debris.
        return !owner.is_empty();
    };
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    !proc.exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sellout-lock-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_live_owner_keeps_the_lock_and_release_frees_it() {
        let dir = dir("live");
        let lock = SweepLock::acquire(&dir).unwrap();
        // A second sweep while the first holds it: pid 1 (init) is always alive.
        drop(lock);
        std::fs::write(dir.join(LOCK), "1\n").unwrap();
        let refused = SweepLock::acquire(&dir).unwrap_err();
        assert!(refused.to_string().contains("process 1"), "{refused}");
        std::fs::remove_file(dir.join(LOCK)).unwrap();
        let lock = SweepLock::acquire(&dir).unwrap();
        assert!(dir.join(LOCK).exists());
        drop(lock);
        assert!(!dir.join(LOCK).exists());
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_taken_over() {
        let dir = dir("stale");
        std::fs::create_dir_all(&dir).unwrap();
        // Larger than any pid Linux hands out (pid_max ≤ 2^22).
        std::fs::write(dir.join(LOCK), "999999999\n").unwrap();
        let lock = SweepLock::acquire(&dir).unwrap();
        let owner = std::fs::read_to_string(dir.join(LOCK)).unwrap();
        assert_eq!(owner.trim(), std::process::id().to_string());
        drop(lock);
    }
}
